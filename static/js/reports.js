// Completeness dashboard: a stacked bar per unit kind, data from {{ chart|json_script }}.
(function () {
  "use strict";
  var source = document.getElementById("completeness-data");
  var canvas = document.getElementById("completeness-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data) {
    return;
  }
  var colours = ["#198754", "#ffc107", "#fd7e14", "#6c757d", "#dc3545"];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, index) {
        return { label: series.label, data: series.data, backgroundColor: colours[index % colours.length] };
      })
    },
    options: {
      responsive: true,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
