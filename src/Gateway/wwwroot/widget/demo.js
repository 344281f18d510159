// Embeds the widget the way a host site would, with the gateway and desk taken from the query string
// (?gateway=http://localhost:5000&desk=sales&transport=longpolling&token=...), so one demo page fits any setup.
// Served by the gateway itself (/widget/demo.html) the page needs no ?gateway: the widget comes from this origin.
const query = new URLSearchParams(location.search);
const servedByGateway = location.pathname.startsWith("/widget/");
const gateway = query.get("gateway") || (servedByGateway ? location.origin : "http://localhost:5000");
const script = document.createElement("script");
script.src = `${gateway}/widget.js`;
script.async = true;
script.dataset.desk = query.get("desk") || "sales";
for (const key of ["token", "transport", "title", "name", "open"]) if (query.get(key)) script.dataset[key] = query.get(key);
document.head.append(script);
document.getElementById("config").textContent = gateway === location.origin
    ? `Widget from this gateway, desk "${script.dataset.desk}" (same origin; a host site on another origin must be in Widget:AllowedOrigins).`
    : `Widget from ${gateway}, desk "${script.dataset.desk}". This page's origin (${location.origin}) must be in the gateway's Widget:AllowedOrigins.`;
