// Opens a pyperfmap flame graph in headless Chromium (Debian's, driven by playwright-core)
// and checks what a person would: the script runs without errors, the root frame holds
// every sample, hovering names a frame, a click zooms to it, search totals its matches,
// the reversed and icicle views work; then takes a screenshot. First, on a laptop's
// screen (1366x768), the page as it opens: the header and its controls, and the box of
// the hottest Python function (else the widest frame under the root), in view without
// scrolling (a screenshot of that too, FIRST.png beside SCREENSHOT.png).
// Usage: node flame_check.js PAGE.html SAMPLES SCREENSHOT.png [SEARCH]
// Prints "ok ..." lines with what it measured; exits 1 at the first failed check.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [page_path, samples_s, shot, search_text] = process.argv.slice(2);
const samples = Number(samples_s);

function check(cond, what) {
  if (!cond) { console.error("FAIL: " + what); process.exit(1); }
  console.log("ok " + what);
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ppm-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
    viewport: { width: 1200, height: 800 },
  });
  try {
    {
      const first = await ctx.newPage();
      await first.setViewportSize({ width: 1366, height: 768 });
      await first.goto("file://" + path.resolve(page_path));
      await first.waitForFunction(() => window.pyperfmapFlame !== undefined, null, { timeout: 60000 });
      const view = await first.evaluate(() => {
        const f = window.pyperfmapFlame, n = f.nodes();
        let best = -1, py = false;
        for (let i = 1; i < n; i++) {
          const isPy = f.name(i).startsWith("py::");
          if (isPy && (!py || f.value(i) > f.value(best))) { best = i; py = true; }
          else if (!py && f.depth(i) === 1 && (best < 0 || f.value(i) > f.value(best))) best = i;
        }
        const top = document.getElementById("top").getBoundingClientRect();
        const canvas = document.getElementById("flame").getBoundingClientRect();
        const r = best >= 0 ? f.rect(best) : null;
        return { name: best >= 0 ? f.name(best) : null, rect: r, header: { top: top.top, bottom: top.bottom },
                 y: r ? canvas.top + r.y : null, height: window.innerHeight, rows: f.rows(),
                 controls: ["reset", "icicle", "reverse", "search"].every(id => {
                   const b = document.getElementById(id).getBoundingClientRect();
                   return b.top >= 0 && b.bottom <= window.innerHeight && b.right <= window.innerWidth; }) };
      });
      check(view.header.top === 0 && view.header.bottom < view.height && view.controls,
            "1366x768: the header and its controls are on the first screen (header " +
            view.header.top + "-" + view.header.bottom.toFixed(0) + " px)");
      check(view.rect !== null && view.y >= view.header.bottom - 1 && view.y + view.rect.h <= view.height,
            "1366x768: '" + view.name + "' is on the first screen, at y " +
            (view.y === null ? "none" : view.y.toFixed(0)) + " of " + view.height + " (" + view.rows + " rows drawn)");
      await first.screenshot({ path: shot.replace(/\.png$/, "") + "-first.png" });
      await first.close();
    }
    const page = ctx.pages()[0] || await ctx.newPage();
    const errors = [];
    page.on("pageerror", e => errors.push(String(e)));
    page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
    // No network: every request but the file itself fails the test.
    const requests = [];
    page.on("request", r => { if (!r.url().startsWith("file://")) requests.push(r.url()); });
    const t0 = Date.now();
    await page.goto("file://" + path.resolve(page_path));
    await page.waitForFunction(() => window.pyperfmapFlame !== undefined, null, { timeout: 60000 });
    const loadMs = Date.now() - t0;
    check(errors.length === 0, "page script ran without errors " + JSON.stringify(errors));
    check(requests.length === 0, "no network requests " + JSON.stringify(requests));
    const total = await page.evaluate(() => window.pyperfmapFlame.value(0));
    const shown = await page.textContent("#total");
    check(total === samples && Number(shown) === samples,
          "root frame total " + total + " (shown " + shown + ") equals the " + samples + " samples");

    // A frame two levels under the root or deeper, wide enough to aim at.
    const target = await page.evaluate(() => {
      const f = window.pyperfmapFlame;
      let best = -1, bw = 0;
      for (const i of f.drawn()) {
        const r = f.rect(i);
        if (f.depth(i) >= 2 && r.w > bw && r.w < 1100) { best = i; bw = r.w; }
      }
      return best < 0 ? null : { i: best, name: f.name(best), value: f.value(best), rect: f.rect(best) };
    });
    check(target !== null, "a frame to click: " + JSON.stringify(target));
    // Bring it into the viewport (below the sticky header), then aim at it.
    await page.evaluate(r => {
      const c = document.getElementById("flame");
      window.scrollTo(0, c.getBoundingClientRect().top + window.scrollY + r.y - 400);
    }, target.rect);
    const box = await page.locator("#flame").boundingBox();
    const x = box.x + target.rect.x + Math.min(target.rect.w / 2, 20), y = box.y + target.rect.y + 8;
    await page.mouse.move(x, y);
    const details = await page.textContent("#details");
    check(details.includes(target.name) && details.includes(target.value + " samples"),
          "hover shows frame and samples: " + details.trim());
    await page.mouse.click(x, y);
    const zoomed = await page.textContent("#zoomed");
    const after = await page.evaluate(i => window.pyperfmapFlame.rect(i), target.i);
    const width = await page.evaluate(() => document.getElementById("flame").clientWidth);
    check(zoomed === target.name && Math.abs(after.w - width) < 1,
          "click zoomed to '" + zoomed + "', now " + after.w.toFixed(0) + " of " + width + " px wide");
    await page.keyboard.press("Escape");
    check(await page.textContent("#zoomed") === "all", "Esc resets the zoom");

    const term = search_text || target.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await page.fill("#search", term);
    const matched = await page.textContent("#matched");
    const expect = await page.evaluate(t => window.pyperfmapFlame.search(t), term);
    check(expect > 0 && matched.includes(expect + " samples"), "search '" + term + "': " + matched);

    await page.click("#reverse");
    const rtotal = await page.evaluate(() => window.pyperfmapFlame.value(0));
    check(rtotal === samples && (await page.textContent("#reverse")) === "Unreverse",
          "reversed view keeps " + rtotal + " samples at its root");
    await page.click("#icicle");
    const top = await page.evaluate(() => window.pyperfmapFlame.rect(0).y);
    check(top === 0, "icicle view puts the root at the top");
    await page.click("#reverse");
    await page.click("#icicle");
    check(errors.length === 0, "no errors after interaction " + JSON.stringify(errors));
    await page.screenshot({ path: shot });
    check(fs.statSync(shot).size > 1000, "screenshot " + shot);
    console.log("load_ms " + loadMs + " nodes " + await page.evaluate(() => window.pyperfmapFlame.nodes()));
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch(e => { console.error("FAIL: " + e); process.exit(1); });
