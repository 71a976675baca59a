/* Report chart (Chart.js, vendored): received and answered as bars, on-time rate as a line. */
$(function () {
    var canvas = document.getElementById("report-chart");
    if (!canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    new Chart(canvas, {
        data: data,
        options: {
            responsive: true,
            plugins: {legend: {position: "bottom"}},
            scales: {
                y: {beginAtZero: true, position: "left", ticks: {precision: 0}},
                pct: {beginAtZero: true, max: 100, position: "right",
                      grid: {drawOnChartArea: false}}
            }
        }
    });
    canvas.setAttribute("data-drawn", "1");  // for the browser tests: the chart exists
});
