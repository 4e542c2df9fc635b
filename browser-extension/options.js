// The options page: the person pastes the port and pairing token that `worklens-agent browser
// pair` printed; they are kept in storage.local, where the background script reads them. The
// status line shows the background script's last exchange with the agent.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const AGENT_ORIGINS = ["http://127.0.0.1/*"];

const form = document.getElementById("pairing");
const portInput = document.getElementById("port");
const tokenInput = document.getElementById("token");
const statusLine = document.getElementById("status");

function showStatus(status) {
  if (!status) return;
  statusLine.textContent = status.message;
  statusLine.className = status.ok ? "ok" : "problem";
}

async function load() {
  const { port, token, status } = await api.storage.local.get(["port", "token", "status"]);
  if (port) portInput.value = port;
  if (token) tokenInput.value = token;
  showStatus(status);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const port = Number.parseInt(portInput.value, 10);
  const token = tokenInput.value.trim();
  if (!(port >= 1024 && port <= 65535) || !token) {
    showStatus({ ok: false, message: "Enter the port (1024-65535) and the token." });
    return;
  }
  // Firefox grants host permissions only on request, and only during this click: ask first.
  const granted = api.permissions.request({ origins: AGENT_ORIGINS });
  granted
    .then(async (ok) => {
      if (!ok) {
        showStatus({ ok: false, message: "Without access to 127.0.0.1 the agent cannot be told." });
        return;
      }
      await api.storage.local.set({ port, token, pairedAt: Date.now() }); // a save always reconnects
      statusLine.textContent = "Saved; connecting to the agent…";
      statusLine.className = "muted";
    })
    .catch((error) => showStatus({ ok: false, message: String(error) }));
});

api.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && changes.status) showStatus(changes.status.newValue);
});

load();
