// seqvision-rise: a hand-written JupyterLab federated extension (no build step, no shared
// modules) that fixes four things about presenting a deck with jupyterlab-rise. It acts
// only on RISE's own page (/rise/...); in JupyterLab proper it loads and does nothing.
// The causes are in README.md, "Why RISE needs seqvision-rise"; tests/test_rise.py and
// tests/test_notes_once.py check each fix in a real server and browser.
(function () {
  "use strict";

  var NAME = "seqvision-rise";
  // reveal.js's notes plugin loads the deck again in the speaker window's two preview
  // frames, marking their URLs with "receiver"; the current-slide frame also gets
  // postMessageEvents=true, which makes it report every slide change to the speaker
  // window, and the speaker window forwards changes to the audience window.
  var FORWARDS = /(^|[?&])postMessageEvents=true(&|$)/;

  function pageConfig() {
    var node = document.getElementById("jupyter-config-data");
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (error) {
      return {};
    }
  }

  // RISE adds #rise-overlay to .reveal just after it has put the slideshow on its start
  // slide: from then on nothing of RISE's start-up moves the slides any more. Should a
  // later jupyterlab-rise stop adding it, a ready deck is taken as started after 5 s.
  function started(callback) {
    var done = false;
    var readyAt = 0;
    function check() {
      if (done) return;
      var deck = document.querySelector(".reveal.ready");
      if (!deck) return;
      readyAt = readyAt || Date.now();
      if (document.getElementById("rise-overlay") || Date.now() - readyAt > 5000) {
        done = true;
        observer.disconnect();
        clearInterval(timer);
        callback();
      }
    }
    var observer = new MutationObserver(check);
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    var timer = setInterval(check, 500);
    check();
  }

  // reveal.js takes API calls as JSON messages posted to its own window.
  function callReveal(method, args) {
    window.postMessage(JSON.stringify({ method: method, args: args || [] }), window.location.origin);
  }

  // RISE's keyboard shortcuts (T, W, Shift+Enter, ...) match only while the focus is inside
  // the notebook. RISE moves it there on a window focus event, which has already happened
  // when the slideshow starts; and the browser drops the focus when reveal.js hides the
  // slide holding the focused cell (three slides on). So after every move, unless the
  // focus is on something shown inside the notebook, put it on the active cell if that is
  // shown (RISE's auto_select makes the slide's code cell active, for Shift+Enter), else
  // on the first cell of the slide in view.
  function shown(node) {
    return !!node && node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden";
  }

  function keepFocus() {
    var notebook = document.querySelector(".reveal .jp-Notebook");
    if (!notebook) return;
    var focused = document.activeElement;
    if (focused && focused !== notebook && notebook.contains(focused) && shown(focused)) return;
    var active = notebook.querySelector(".jp-Cell.jp-mod-active");
    var present = document.querySelectorAll(".reveal .slides section.present:not(.stack)");
    var slide = present[present.length - 1];
    var first = slide ? slide.querySelector(":scope > .jp-Cell, :scope > .fragment.visible > .jp-Cell") : null;
    var target = shown(active) && slide && slide.contains(active) ? active : first;
    if (target) target.focus();
  }

  // The focus given above is not the presenter's doing: draw no focus ring for it on the
  // slides (JupyterLab outlines a focused cell in blue).
  function hideFocusRing() {
    var style = document.createElement("style");
    style.id = NAME;
    style.textContent =
      ".rise-enabled .reveal .jp-Notebook.jp-mod-commandMode .jp-Cell:focus-visible { box-shadow: none; }";
    document.head.appendChild(style);
  }

  function followMoves() {
    var deck = document.querySelector(".reveal");
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden", "overviewhidden"].forEach(function (name) {
      // after reveal.js has updated which slides are shown
      deck.addEventListener(name, function () { setTimeout(keepFocus, 50); });
    });
    keepFocus();
  }

  // The speaker window copies each notes <aside> as HTML into a page without JupyterLab's
  // stylesheets, so whatever those stylesheets hide (the notes cell's editor with its
  // Markdown source, empty prompts) would show there. Write the hiding into the elements.
  function keepHiddenInNotes() {
    var asides = document.querySelectorAll(".reveal aside.notes");
    for (var i = 0; i < asides.length; i++) {
      var inner = asides[i].querySelectorAll("*");
      for (var j = 0; j < inner.length; j++) {
        if (getComputedStyle(inner[j]).display === "none") inner[j].style.display = "none";
      }
    }
  }

  // In a preview frame. RISE starts each frame's slideshow at slide 1 (or at the selected
  // cell), seconds after the speaker window sent the frames the audience's slide; with
  // forwarding on, the speaker window would pass that start on to the audience. So the
  // current-slide frame starts with forwarding off, and only once both frames have
  // started does it turn forwarding on and say it is ready: the speaker window passes that
  // on to the audience window, whose answer (its state, fragments included) the speaker
  // window gives to both frames.
  var STARTED = "seqvisionRiseStarted";

  function siblingStarted() {
    var frame = window.parent.document.querySelector("#upcoming-slide iframe");
    try {
      return !frame || !!frame.contentWindow[STARTED];
    } catch (error) {
      return true;  // not ours to wait for
    }
  }

  function previewFrame(forwards) {
    started(function () {
      window[STARTED] = true;
      if (!forwards) return;
      var since = Date.now();
      var wait = setInterval(function () {
        // should the other frame never start, the notes still connect after 30 s
        if (!siblingStarted() && Date.now() - since < 30000) return;
        clearInterval(wait);
        callReveal("configure", [{ postMessageEvents: true }]);
        window.parent.postMessage(JSON.stringify({ namespace: "reveal", eventName: "ready", state: {} }), "*");
      }, 200);
    });
  }

  // A preview frame is a few hundred pixels across, and RISE lays its slides out at the size
  // of their window (width and height 100%): in a frame, the lecture-hall type of the next
  // slide wrapped and ran off the bottom. Lay the page out as the audience's 1280x720 screen
  // and show it scaled down, as reveal.js's own speaker view shows the offline HTML.
  var AUDIENCE = { width: 1280, height: 720 };

  function fitPreview() {
    var root = document.documentElement;
    var scale = Math.min(window.innerWidth / AUDIENCE.width, window.innerHeight / AUDIENCE.height);
    var zoom = scale < 1 ? String(scale) : "";
    if (root.style.zoom === zoom) return;
    root.style.zoom = zoom;
    // reveal.js's page is as tall as the window (its --vh), which zoom does not scale.
    root.style.height = zoom ? window.innerHeight / scale + "px" : "";
    // JupyterLab and reveal.js size their boxes from the page: have them measure again.
    window.dispatchEvent(new Event("resize"));
  }

  function activate() {
    if (pageConfig().appName !== "Rise") return;
    var search = window.location.search;
    if (/(^|[?&])receiver(=|&|$)/i.test(search)) {
      window.addEventListener("resize", fitPreview);
      started(fitPreview);
      var forwards = FORWARDS.test(search);
      if (forwards) {
        // reveal.js reads its options from the query string when RISE initializes it, later.
        var url = new URL(window.location.href);
        url.searchParams.delete("postMessageEvents");
        window.history.replaceState(window.history.state, "", url.toString());
      }
      previewFrame(forwards);
      return;
    }
    started(function () {
      keepHiddenInNotes();
      hideFocusRing();
      followMoves();
    });
  }

  var plugin = { id: NAME + ":present", autoStart: true, activate: activate };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    // This extension shares no modules, so it has nothing to take from the share scope.
    init: function () {},
    get: function (module) {
      if (module !== "./extension") return Promise.reject(new Error(NAME + " has no module " + module));
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    }
  };
})();
