"""Does the slide on screen fit? Measured in the browser, on what is actually rendered.

Used by the fit tests for both outputs (the offline HTML and RISE): every slide is
walked with Space, one fragment step at a time, and each step is measured here.
"""
from __future__ import annotations

# The frame is reveal's `.slides` box (scaled to the window in the HTML, the whole
# window in RISE). A visible element whose box ends past the frame's bottom or right
# edge is cut off for the audience; a section whose content is taller than itself
# scrolls. Elements inside a fragment that is not shown yet are not visible.
MEASURE_JS = r"""
() => {
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const leaves = [...document.querySelectorAll('.reveal .slides section.present')]
    .filter(s => !s.querySelector('section'));
  const section = leaves[leaves.length - 1];
  const problems = [];
  const view = { bottom: Math.min(frame.bottom, window.innerHeight), right: Math.min(frame.right, window.innerWidth) };
  if (section.scrollHeight > section.clientHeight + 1)
    problems.push(`section scrolls: content ${section.scrollHeight}px in ${section.clientHeight}px`);
  if (section.scrollWidth > section.clientWidth + 1)
    problems.push(`section scrolls sideways: content ${section.scrollWidth}px in ${section.clientWidth}px`);
  // The window scrolls only if it can actually be moved (overflow: hidden stops it).
  window.scrollTo(10000, 10000);
  if (window.scrollX > 0 || window.scrollY > 0) problems.push(`the page scrolls by ${window.scrollX}, ${window.scrollY}px`);
  window.scrollTo(0, 0);
  for (const el of section.querySelectorAll('*')) {
    if (el.closest('.fragment:not(.visible)')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.position === 'fixed') continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    const what = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
    if (box.bottom > view.bottom + 1) problems.push(`${what} ends ${Math.round(box.bottom - view.bottom)}px below the bottom edge`);
    else if (box.right > view.right + 1) problems.push(`${what} ends ${Math.round(box.right - view.right)}px past the right edge`);
  }
  const title = (section.querySelector('h1, h2, h3') || section).innerText.split('\n')[0].slice(0, 60);
  const shown = section.querySelectorAll('.fragment.visible').length;
  const pending = section.querySelectorAll('.fragment:not(.visible)').length;
  return { title, shown, pending, problems: [...new Set(problems)].slice(0, 5) };
}
"""


def walk(page, press_wait_ms: int = 700, limit: int = 200, shoot=None, figures: bool = False) -> list[dict]:
    """Measure every step from the current slide to the end, pressing Space between
    (with ``figures``, each step also carries the FIGURES_JS measurements)."""
    steps: list[dict] = []
    previous = None
    for n in range(limit):
        page.wait_for_timeout(press_wait_ms)
        state = page.evaluate(MEASURE_JS)
        # Space on the last step changes nothing: the same slide, fragments and text.
        signature = (state["title"], state["shown"], state["pending"], page.evaluate(
            "[...document.querySelectorAll('.reveal .slides section.present')].map(s => s.innerText.length).join()"))
        if signature == previous:
            return steps
        previous = signature
        if figures:
            state["figures"] = page.evaluate(FIGURES_JS)
        if shoot is not None:
            shoot(len(steps), state)
        steps.append(state)
        page.keyboard.press("Space")
    raise AssertionError(f"still advancing after {limit} presses of Space")


# Figures are <img> elements holding SVG. Each is laid out again, inline and unseen,
# at exactly its rendered size, so every <text>'s font size times its screen
# transform is the size the audience sees. The answer label (the text in the patch
# a figure marks as its peak) is measured against what is painted under it: the
# figure is drawn to a canvas without that text, and the darkest-to-lightest pixel
# in the text's box gives the worst contrast (WCAG 2 relative luminance).
FIGURES_JS = r"""
async () => {
  const leaves = [...document.querySelectorAll('.reveal .slides section.present')]
    .filter(s => !s.querySelector('section'));
  const section = leaves[leaves.length - 1];
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const rgb = text => (text.match(/\d+(\.\d+)?/g) || [0, 0, 0]).slice(0, 3).map(Number);
  const out = [];
  for (const img of section.querySelectorAll('img')) {
    if (img.closest('.fragment:not(.visible)') || !img.src.startsWith('data:image/svg+xml')) continue;
    const box = img.getBoundingClientRect();
    if (box.width < 1) continue;
    const source = img.src.includes(';base64,') ? decodeURIComponent(escape(atob(img.src.split(',')[1]))) : decodeURIComponent(img.src.split(',')[1]);
    const holder = document.createElement('div');
    holder.style.cssText = 'position:fixed;left:0;top:0;visibility:hidden;pointer-events:none;';
    holder.innerHTML = source.slice(source.indexOf('<svg'));
    const svg = holder.querySelector('svg');
    svg.setAttribute('width', box.width); svg.setAttribute('height', box.height);
    document.body.appendChild(holder);
    let smallest = Infinity, smallestText = '';
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < smallest) { smallest = px; smallestText = t.textContent.trim(); }
    }
    let contrast = null, answer = null;
    const peak = svg.querySelector('g[id^="attention-peak-"]');
    const label = peak && svg.querySelector('g#attention-value-' + peak.id.slice('attention-peak-'.length) + ' text');
    if (label) {
      answer = label.textContent.trim();
      const ink = rgb(getComputedStyle(label).fill);
      const r = label.getBoundingClientRect(), s = svg.getBoundingClientRect();
      label.setAttribute('visibility', 'hidden');
      const url = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(new XMLSerializer().serializeToString(svg))));
      const picture = new Image(); picture.src = url; await picture.decode();
      const canvas = document.createElement('canvas'); canvas.width = Math.ceil(s.width); canvas.height = Math.ceil(s.height);
      const g = canvas.getContext('2d'); g.drawImage(picture, 0, 0, s.width, s.height);
      const x0 = Math.round(r.left - s.left + 1), y0 = Math.round(r.top - s.top + 1);
      const data = g.getImageData(x0, y0, Math.max(1, Math.round(r.width - 2)), Math.max(1, Math.round(r.height - 2))).data;
      contrast = Infinity;
      for (let i = 0; i < data.length; i += 4) contrast = Math.min(contrast, ratio(ink, [data[i], data[i + 1], data[i + 2]]));
    }
    holder.remove();
    out.push({ alt: img.alt, width: Math.round(box.width), smallestPx: smallest, smallestText, answer, contrast });
  }
  return out;
}
"""
