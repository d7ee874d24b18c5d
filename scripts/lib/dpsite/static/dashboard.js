// The dashboard's charts (datasette-dashboards 0.8.0), started from a file instead of the plugin's
// inline script: templates/dashboard_view.html and dashboard_chart.html write the same values
// (each chart, the filters' query string, the site's address) as JSON in #dp-dashboard.
// Vega-Embed is asked to interpret chart expressions (ast) instead of compiling them with
// Function(), which the page's Content-Security-Policy forbids (no 'unsafe-eval'). Once a chart
// is drawn, its actions menu (an icon alone in a <summary>) is given a name a screen reader reads.
const vegaEmbedCompiling = window.vegaEmbed;
window.vegaEmbed = (el, spec, options) =>
  vegaEmbedCompiling(el, spec, {ast: true, ...options}).then((result) => {
    const summary = el.querySelector("details > summary");
    if (summary) summary.setAttribute("aria-label", `Save or view this chart: ${spec.description || "chart"}`);
    return result;
  });

const dashboard = JSON.parse(document.getElementById("dp-dashboard").textContent);
for (const [slug, chart] of dashboard.charts) {
  renderChart(slug, chart, dashboard.query_string, dashboard.absolute_url, dashboard.full_height);
}
if (dashboard.autorefresh) autorefresh(dashboard.autorefresh);
const fullscreen = document.querySelector("button.dp-fullscreen");
if (fullscreen) fullscreen.addEventListener("click", () => toggleFullscreen());
