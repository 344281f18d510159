// Embeds the widget the way a host site would, with the gateway and desk taken from the query string
// (?gateway=http://localhost:5000&desk=sales&transport=longpolling&token=...), so one demo page fits any setup.
const query = new URLSearchParams(location.search);
const gateway = query.get("gateway") || "http://localhost:5000";
const script = document.createElement("script");
script.src = `${gateway}/widget.js`;
script.async = true;
script.dataset.desk = query.get("desk") || "sales";
for (const key of ["token", "transport", "title", "name", "open"]) if (query.get(key)) script.dataset[key] = query.get(key);
document.head.append(script);
document.getElementById("config").textContent = `Widget from ${gateway}, desk "${script.dataset.desk}". This page's origin (${location.origin}) must be in the gateway's Widget:AllowedOrigins.`;
