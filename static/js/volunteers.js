// Quota page: activities organised against the quota, per unit (data from json_script).
(function () {
  "use strict";
  var canvas = document.getElementById("quota-chart");
  var source = document.getElementById("quota-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.countLabel, data: data.counts, backgroundColor: "#2f6fb0" },
        { label: data.quotaLabel, data: data.quotas, backgroundColor: "#f0ad4e" }
      ]
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
