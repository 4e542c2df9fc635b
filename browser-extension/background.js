// WorkLens tab reporter: tells the WorkLens agent on this computer (http://127.0.0.1:<port>)
// which page the active tab shows, whenever that changes, so the agent can put the URL on the
// time it records for the browser window in front.
//
// Runs as the service worker in Chromium and as an event page in Firefox (one file, no build
// step, no remote code). Listeners are registered synchronously at the top level, as a service
// worker that was stopped is woken only by events whose listeners exist on startup.
//
// The company's policy decides what may be sent: every answer of the agent says what it wants
// ({url, title}). When it wants no URLs, nothing about tabs is sent at all; the extension only
// asks again, without any tab data, once `recheck_seconds` have passed.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const ENDPOINT_PATH = "/v1/tab";
const TIMEOUT_MS = 5000;
const BURST_MS = 1500; // one tab change fires several events; identical reports within this are one

let lastSent = { key: "", at: 0 };
let queue = Promise.resolve();

// Reports go out one after another, in the order the changes happened.
function enqueue(work) {
  queue = queue.then(work).catch((error) => console.warn("WorkLens:", error));
}

async function settings() {
  const { port, token } = await api.storage.local.get(["port", "token"]);
  return port && token ? { port, token } : null;
}

let browserName = null;

// The browser family the agent matches against the application in front (see browser_tabs.py).
async function whichBrowser() {
  if (browserName !== null) return browserName;
  let name = "chromium";
  if (api.runtime.getBrowserInfo) {
    const info = await api.runtime.getBrowserInfo(); // Firefox only
    name = info.name.toLowerCase().includes("firefox") ? "firefox" : info.name.toLowerCase();
  } else {
    const brands = (globalThis.navigator?.userAgentData?.brands ?? []).map((b) => b.brand);
    const known = [
      ["Microsoft Edge", "edge"],
      ["Brave", "brave"],
      ["Opera", "opera"],
      ["Vivaldi", "vivaldi"],
      ["Google Chrome", "chrome"],
    ];
    for (const [brand, family] of known) {
      if (brands.includes(brand)) {
        name = family;
        break;
      }
    }
  }
  browserName = name.replace(/[^a-z0-9-]/g, "-").slice(0, 32) || "chromium";
  return browserName;
}

async function setStatus(ok, message) {
  await api.storage.local.set({ status: { ok, message, at: new Date().toISOString() } });
}

async function post(config, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const address = `http://127.0.0.1:${config.port}${ENDPOINT_PATH}`;
  try {
    const response = await fetch(address, {
      method: "POST",
      headers: { Authorization: `Bearer ${config.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      signal: controller.signal,
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      await setStatus(false, `The agent refused (${response.status}): ${answer.detail ?? ""}`);
      return null;
    }
    const sending = answer.wanted?.url ? "sending the active tab" : "the policy wants no URLs";
    await setStatus(true, `Connected to the agent on port ${config.port}: ${sending}.`);
    return answer;
  } catch (error) {
    await setStatus(false, `The agent is not reachable at ${address} (${error}).`);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function remember(answer) {
  const wanted = {
    url: Boolean(answer.wanted?.url),
    title: Boolean(answer.wanted?.title),
    until: Date.now() + 1000 * (Number(answer.recheck_seconds) || 60),
  };
  await api.storage.local.set({ wanted });
  return wanted;
}

// What the agent wants now: remembered from its last answer, or asked (with no tab data).
async function wanted(config, browser) {
  const { wanted: known } = await api.storage.local.get("wanted");
  if (known && Date.now() < known.until) return known;
  const answer = await post(config, { browser, at: new Date().toISOString() });
  return answer ? remember(answer) : null;
}

function isOwnPage(url) {
  return url.startsWith(api.runtime.getURL(""));
}

async function reportTab(tab) {
  // No URL means the browser did not give it (no `tabs` permission): nothing to say.
  if (!tab || tab.incognito || !tab.url || isOwnPage(tab.url)) return;
  const config = await settings();
  if (!config) return;
  const browser = await whichBrowser();
  const want = await wanted(config, browser);
  if (!want || !want.url) return;
  const body = { browser, url: tab.url, tab_id: tab.id, at: new Date().toISOString() };
  if (want.title && tab.title) body.title = tab.title;
  const key = `${body.tab_id}\n${body.url}\n${body.title ?? ""}`;
  if (key === lastSent.key && Date.now() - lastSent.at < BURST_MS) return;
  const answer = await post(config, body);
  if (answer) {
    lastSent = { key, at: Date.now() };
    await remember(answer);
  }
}

async function reportFocused() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  await reportTab(tab);
}

api.tabs.onActivated.addListener(({ tabId }) => {
  enqueue(async () => reportTab(await api.tabs.get(tabId)));
});

api.tabs.onUpdated.addListener((_tabId, change, tab) => {
  if (tab.active && (change.url !== undefined || change.title !== undefined)) {
    enqueue(() => reportTab(tab));
  }
});

api.windows.onFocusChanged.addListener((windowId) => {
  if (windowId === api.windows.WINDOW_ID_NONE) return; // another application came to the front
  enqueue(async () => {
    const [tab] = await api.tabs.query({ active: true, windowId });
    await reportTab(tab);
  });
});

api.runtime.onStartup.addListener(() => enqueue(reportFocused));
api.runtime.onInstalled.addListener(() => enqueue(reportFocused));

// New port or token (the options page): forget what the old pairing answered, and report now.
api.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !(changes.port || changes.token || changes.pairedAt)) return;
  enqueue(async () => {
    lastSent = { key: "", at: 0 };
    await api.storage.local.remove("wanted");
    const config = await settings();
    if (!config) return;
    const want = await wanted(config, await whichBrowser()); // also tests the connection
    if (want?.url) await reportFocused();
  });
});
