// WorkLens tab reporter: tells the WorkLens agent on this computer (http://127.0.0.1:<port>)
// which page the active tab shows, whenever that changes, so the agent can put the URL on the
// time it records for the browser window in front.
//
// It also says when the browser stops being in front (`focused: false`), and repeats the focused
// tab every minute (a heartbeat): where the agent cannot read the window in front (Wayland, no
// display), these reports are all it knows, and a browser that quit or crashed says nothing more,
// so the agent takes a browser whose last word is older than a few heartbeats as gone.
//
// Runs as the service worker in Chromium and as an event page in Firefox (one file, no build
// step, no remote code). Listeners are registered synchronously at the top level, as a service
// worker that was stopped is woken only by events whose listeners exist on startup.
//
// The company's policy decides what may be sent: every answer of the agent says what it wants
// ({url, title}). When it wants no URLs, nothing about tabs is sent at all; the extension only
// asks again, without any tab data, once `recheck_seconds` have passed; not even focus changes
// are sent then, so with URLs off the agent has no browser-only time to record.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const ENDPOINT_PATH = "/v1/tab";
const TIMEOUT_MS = 5000;
const BURST_MS = 1500; // one tab change fires several events; identical reports within this are one
const HEARTBEAT_ALARM = "worklens-heartbeat";
const HEARTBEAT_MINUTES = 1; // the agent forgets a browser after 150 s without a word

let lastSent = { key: "", at: 0 };
let toldFocused = null; // what the agent last heard about the focus; null: unknown (a new worker)
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
    // Agents older than focus reports refuse unknown fields (422): send `focused` only to one
    // that says it takes it.
    focus: answer.accepts_focused === true,
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

// Whether the tab's window has the focus: a page in a window behind another application (or
// behind another window of this browser) still changes its title, and must not be taken for the
// tab in front.
async function inFocusedWindow(tab) {
  const window = await api.windows.get(tab.windowId);
  return window.focused;
}

async function reportTab(tab) {
  // No URL means the browser did not give it (no `tabs` permission): nothing to say.
  if (!tab || tab.incognito || !tab.url || isOwnPage(tab.url)) return;
  if (!(await inFocusedWindow(tab))) return;
  const config = await settings();
  if (!config) return;
  const browser = await whichBrowser();
  const want = await wanted(config, browser);
  if (!want || !want.url) return;
  const body = { browser, url: tab.url, tab_id: tab.id, at: new Date().toISOString() };
  // A report of a tab always means the tab in front of a focused window (checked above).
  if (want.focus) body.focused = true;
  if (want.title && tab.title) body.title = tab.title;
  const key = `${body.tab_id}\n${body.url}\n${body.title ?? ""}`;
  if (key === lastSent.key && Date.now() - lastSent.at < BURST_MS) return;
  const answer = await post(config, body);
  if (answer) {
    lastSent = { key, at: Date.now() };
    toldFocused = true;
    await remember(answer);
  }
}

async function reportFocused() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  await reportTab(tab);
}

// Another application came to the front (or the last window closed): say so, with no tab data,
// so the agent stops counting time for this browser at once rather than when its report goes stale.
async function reportFocusLost() {
  lastSent = { key: "", at: 0 }; // coming back to the same tab must be reported, however soon
  const config = await settings();
  if (!config) return;
  const browser = await whichBrowser();
  const want = await wanted(config, browser);
  if (!want || !want.url || !want.focus) return;
  const answer = await post(config, { browser, focused: false, at: new Date().toISOString() });
  if (answer) {
    toldFocused = false;
    await remember(answer);
  }
}

// The heartbeat: the tab in front again while a browser window has the focus (the last focused
// window keeps its tabs when another application is in front; `.focused` says which). Otherwise it
// says the focus is lost, once: Chromium does not always send WINDOW_ID_NONE (seen on Linux: not
// until its window has been left and focused again once since the browser started; reported on
// Windows too), and without this the agent would count the browser as in front until it went stale.
async function reportHeartbeat() {
  const window = await api.windows.getLastFocused().catch(() => null); // none: all closed
  if (window?.focused) {
    const [tab] = await api.tabs.query({ active: true, windowId: window.id });
    await reportTab(tab);
  } else if (toldFocused !== false) {
    await reportFocusLost();
  }
}

// Created once (at install and browser start), not on every wake-up of the service worker:
// creating an alarm again restarts its period, so a worker woken often would never see it fire.
async function startHeartbeat() {
  if (await api.alarms.get(HEARTBEAT_ALARM)) return;
  await api.alarms.create(HEARTBEAT_ALARM, { periodInMinutes: HEARTBEAT_MINUTES });
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
  if (windowId === api.windows.WINDOW_ID_NONE) {
    enqueue(reportFocusLost);
    return;
  }
  enqueue(async () => {
    const [tab] = await api.tabs.query({ active: true, windowId });
    await reportTab(tab);
  });
});

api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === HEARTBEAT_ALARM) enqueue(reportHeartbeat);
});

api.runtime.onStartup.addListener(() => {
  enqueue(startHeartbeat);
  enqueue(reportFocused);
});
api.runtime.onInstalled.addListener(() => {
  enqueue(startHeartbeat);
  enqueue(reportFocused);
});

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
