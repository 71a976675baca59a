/* Dashboard trend chart (Chart.js, vendored); data comes from the canvas' data-chart. */
$(function () {
    var canvas = document.getElementById("trend-chart");
    if (!canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    new Chart(canvas, {
        type: "bar",
        data: data,
        options: {
            // Numbers in the page's language (Chart.js uses Intl): "1 234" / "1,234".
            locale: document.documentElement.lang || "fr",
            responsive: true,
            plugins: {legend: {position: "bottom"}},
            scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true,
                                               ticks: {precision: 0}}}
        }
    });
});
