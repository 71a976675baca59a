/* Report chart (Chart.js, vendored): received and answered as bars, on-time rate as a line. */
$(function () {
    var canvas = document.getElementById("report-chart");
    if (!canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    new Chart(canvas, {
        data: data,
        options: {
            // Numbers in the page's language (Chart.js uses Intl): "1 234" / "1,234".
            locale: document.documentElement.lang || "fr",
            responsive: true,
            plugins: {legend: {position: "bottom"}},
            scales: {
                y: {beginAtZero: true, position: "left", ticks: {precision: 0}},
                pct: {beginAtZero: true, max: 100, position: "right",
                      grid: {drawOnChartArea: false},
                      // 0–100 shown as a percentage of the page's language: "90 %" / "90%".
                      ticks: {callback: function (value) {
                          return new Intl.NumberFormat(document.documentElement.lang || "fr",
                              {style: "percent", maximumFractionDigits: 1}).format(value / 100);
                      }}}
            }
        }
    });
    canvas.setAttribute("data-drawn", "1");  // for the browser tests: the chart exists
});
