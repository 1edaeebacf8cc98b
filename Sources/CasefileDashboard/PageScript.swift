/// The page's script: plain ES2017, no library, nothing fetched. It reads
/// the JSON copy of the data (`PageJSON`) and the table's `data-` values,
/// and adds: the choice of judgement (recolours the map, key and tooltips),
/// hover and focus details on the map, keyboard use of the map, sorting and
/// filtering of the table, and the detail view of an authority (`#a-SLUG`).
enum PageScript {
    static let source = #"""
        (function () {
        "use strict";
        var D = JSON.parse(document.getElementById("data").textContent);
        var A = D.a, asOf = D.asOf;
        document.documentElement.classList.add("js");
        var AREAS = ["overall", "leadership", "help_and_protection", "children_in_care", "care_leavers"];
        var TITLE = {overall: "Overall effectiveness", leadership: "Leadership", help_and_protection: "Help and protection",
          children_in_care: "Children in care", care_leavers: "Care leavers", adoption: "Adoption", lscb: "LSCB"};
        var CODE = {o: "overall", l: "leadership", h: "help_and_protection", c: "children_in_care", e: "care_leavers",
          a: "adoption", s: "lscb"};
        var GRADE = {O: ["outstanding", "go", 4], G: ["good", "gg", 3], R: ["requires improvement", "gr", 2],
          I: ["inadequate", "gi", 1], N: ["not judged", "gn", 0]};
        var FWL = {ilacs: "ILACS inspection", sif: "SIF inspection", focused_visit: "focused visit",
          monitoring_visit: "monitoring visit", jtai: "joint targeted area inspection", other: "inspection"};
        function fw(f) { return cap(FWL[f]); }
        var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"];
        var area = "overall";

        function esc(s) {
          return String(s).replace(/[&<>"']/g, function (c) {
            return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
          });
        }
        function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
        function grades(code) {
          var g = {};
          for (var i = 0; i + 1 < code.length; i += 2) g[CODE[code[i]]] = code[i + 1];
          return g;
        }
        function current(a) { return a.cur >= 0 ? grades(a.h[a.cur][5]) : null; }
        // The grade letter of an area now: null with no graded report, "N" when not judged.
        function gradeOf(a, ar) { var g = current(a); return g ? (g[ar] || "N") : null; }
        function cls(letter) { return letter ? GRADE[letter][1] : "gx"; }
        function words(letter) { return letter ? GRADE[letter][0] : "no graded inspection on file"; }
        function day(iso) { var p = iso.split("-"); return +p[2] + " " + MONTHS[+p[1] - 1] + " " + p[0]; }
        function month(iso) { var p = iso.split("-"); return MONTHS[+p[1] - 1] + " " + p[0]; }
        function span(s, e) {
          if (s === e) return day(s);
          var a = s.split("-"), b = e.split("-");
          if (a[0] !== b[0]) return day(s) + " to " + day(e);
          if (a[1] !== b[1]) return +a[2] + " " + MONTHS[+a[1] - 1] + " to " + day(e);
          return +a[2] + " to " + day(e);
        }
        // The same day n months later, clamped to the month's end (as the page's generator counts).
        function addMonths(iso, n) {
          var p = iso.split("-"), i = +p[0] * 12 + (+p[1] - 1) + n, y = Math.floor(i / 12), m = i % 12 + 1;
          var last = new Date(Date.UTC(y, m, 0)).getUTCDate(), d = Math.min(+p[2], last);
          return y + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
        }
        function time(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
        function badge(letter) { return '<span class="badge ' + cls(letter) + '">' + esc(cap(words(letter))) + "</span>"; }
        // The neighbours' table is narrow: the two long grades are abbreviated, as the sector writes them.
        var SHORT = {R: '<abbr title="requires improvement">RI</abbr>', N: '<abbr title="not judged">NJ</abbr>'};
        function chip(letter) {
          var text = letter ? SHORT[letter] || cap(words(letter)) : '<abbr title="no graded inspection on file">none</abbr>';
          return '<span class="badge ' + cls(letter) + '">' + text + "</span>";
        }
        function windowText(a) {
          var w = a.w;
          if (!w[1]) return "No window: " + w[4];
          var state = {open: "Open now", overdue: "Past its window", not_yet: "Opens"}[w[0]];
          return state + ": " + month(w[1]) + " to " + month(w[2]) + " (" + w[3] + ")";
        }

        // ---- Map ----
        var map = document.getElementById("map"), tip = document.getElementById("tip");
        var shapes = map.querySelectorAll("[data-slug]");
        function recolour() {
          var counts = [0, 0, 0, 0, 0, 0], order = {O: 0, G: 1, R: 2, I: 3, N: 4};
          Array.prototype.forEach.call(map.querySelectorAll("path[data-slug]"), function (p) {
            var a = A[p.getAttribute("data-slug")], g = a ? gradeOf(a, area) : null;
            p.setAttribute("class", cls(g));
            counts[g ? order[g] : 5]++;
          });
          Array.prototype.forEach.call(shapes, function (s) {
            var a = A[s.getAttribute("data-slug")], g = a ? gradeOf(a, area) : null;
            s.setAttribute("aria-label", (a ? a.n : "") + ": " + TITLE[area].toLowerCase() + " " + words(g));
          });
          Array.prototype.forEach.call(document.querySelectorAll("#legend .n"), function (n) {
            n.textContent = counts[+n.getAttribute("data-i")];
          });
          map.setAttribute("data-area", area);
          mark();
          document.getElementById("f-area").textContent = TITLE[area].toLowerCase();
          filter();
          if (performance.mark) performance.mark("casefile-map-coloured");
        }
        Array.prototype.forEach.call(shapes, function (s) {
          // The main map's London boroughs are too small to aim at: the inset's copies take the focus.
          var london = s.tagName === "path" && map.querySelector('use[data-slug="' + s.getAttribute("data-slug") + '"]');
          s.setAttribute("tabindex", london ? "-1" : "0");
          s.setAttribute("role", "button");
        });
        function showTip(el, x, y) {
          var a = A[el.getAttribute("data-slug")];
          if (!a) return;
          var g = current(a), rows = "";
          AREAS.forEach(function (ar) {
            var l = g ? (g[ar] || "N") : null;
            rows += "<tr><th>" + TITLE[ar] + "</th><td>" + esc(cap(words(l))) + "</td></tr>";
          });
          var h = a.cur >= 0 ? a.h[a.cur] : null;
          tip.innerHTML = "<h3>" + esc(a.n) + "</h3>" + (a.r ? "<div>" + esc(a.r) + "</div>" : "") + "<table>" + rows +
            "</table><div>" + (h ? "Inspected " + span(h[2], h[3]) + " (" + FWL[h[0]] + ")" : "No graded inspection on file") +
            "</div><div>Next: " + esc(windowText(a)) + "</div>";
          tip.hidden = false;
          var box = map.parentNode.getBoundingClientRect();
          var left = Math.min(x - box.left + 14, box.width - tip.offsetWidth - 4);
          tip.style.left = Math.max(0, left) + "px";
          tip.style.top = (y - box.top + 14) + "px";
        }
        function target(e) { var t = e.target.closest ? e.target.closest("[data-slug]") : null; return t && map.contains(t) ? t : null; }
        map.addEventListener("mousemove", function (e) { var t = target(e); if (t) showTip(t, e.clientX, e.clientY); else tip.hidden = true; });
        map.addEventListener("mouseleave", function () { tip.hidden = true; });
        map.addEventListener("focusin", function (e) {
          var t = target(e); if (!t) return;
          var r = t.getBoundingClientRect();
          showTip(t, r.left + r.width / 2, r.top + r.height / 2);
        });
        map.addEventListener("focusout", function () { tip.hidden = true; });
        map.addEventListener("click", function (e) { var t = target(e); if (t) open(t.getAttribute("data-slug"), t); });
        map.addEventListener("keydown", function (e) {
          var t = target(e);
          if (t && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); open(t.getAttribute("data-slug"), t); }
        });
        document.getElementById("pick").addEventListener("change", function (e) { area = e.target.value; recolour(); });

        // ---- Table ----
        var table = document.getElementById("table"), tbody = table.tBodies[0];
        var rows = Array.prototype.slice.call(tbody.rows);
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = th.textContent;
          th.textContent = "";
          th.appendChild(b);
          th.setAttribute("aria-sort", "none");
          b.addEventListener("click", function () { sortBy(i, th); });
        });
        function sortValue(row, i, num) {
          var c = row.cells[i], v = c.hasAttribute("data-v") ? c.getAttribute("data-v") : c.textContent;
          if (v === "") return null;
          return num ? +v : v.toLowerCase();
        }
        function sortBy(i, th) {
          var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1, num = th.getAttribute("data-type") === "num";
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
          var keyed = rows.map(function (r, n) { return [sortValue(r, i, num), n, r]; });
          keyed.sort(function (x, y) {
            if (x[0] === null || y[0] === null) return x[0] === y[0] ? x[1] - y[1] : (x[0] === null ? 1 : -1);
            if (x[0] < y[0]) return -dir;
            if (x[0] > y[0]) return dir;
            return x[1] - y[1];
          });
          keyed.forEach(function (k) { tbody.appendChild(k[2]); });
        }
        var fRegion = document.getElementById("f-region"), fGrade = document.getElementById("f-grade");
        var fWindow = document.getElementById("f-window"), fCount = document.getElementById("f-count");
        function filter() {
          var region = fRegion.value, grade = fGrade.value, win = fWindow.value, count = 0;
          var col = 2 + AREAS.indexOf(area);
          rows.forEach(function (r) {
            var ok = (!region || r.getAttribute("data-region") === region);
            if (ok && grade) ok = r.cells[col].classList.contains(grade);
            if (ok && win) {
              var w = r.getAttribute("data-w");
              if (win === "overdue" || win === "open" || win === "unknown") ok = w === win;
              else ok = w === "open" || w === "overdue" || (w === "not_yet" && A[r.getAttribute("data-slug")].w[1] <= addMonths(asOf, +win));
            }
            r.hidden = !ok;
            if (ok) count++;
          });
          fCount.textContent = "Showing " + count + " of " + rows.length + " authorities";
        }
        [fRegion, fGrade, fWindow].forEach(function (s) { s.addEventListener("change", filter); });

        // ---- Detail ----
        var detail = document.getElementById("detail"), opener = null, shown = null;
        function open(slug, from) {
          opener = from || document.activeElement;
          if (location.hash !== "#a-" + slug) {
            try { history.pushState(null, "", "#a-" + slug); } catch (err) { /* file:// in some browsers */ }
          }
          render(slug);
        }
        function close() {
          shown = null;
          detail.hidden = true;
          detail.innerHTML = "";
          Array.prototype.forEach.call(document.querySelectorAll(".on,.sel"), function (e) { e.classList.remove("on", "sel"); });
          try { history.pushState(null, "", location.pathname + location.search); } catch (err) { /* ignore */ }
          if (opener && opener.focus) opener.focus();
        }
        function fromHash() {
          var m = /^#a-(.+)$/.exec(location.hash);
          if (m && A[decodeURIComponent(m[1])]) {
            if (document.activeElement && document.activeElement !== document.body) opener = document.activeElement;
            render(decodeURIComponent(m[1]));
          } else if (!detail.hidden) { shown = null; detail.hidden = true; detail.innerHTML = ""; }
        }
        window.addEventListener("hashchange", fromHash);
        window.addEventListener("popstate", fromHash);
        document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !detail.hidden) close(); });

        function gradeTable(slugs, self) {
          var s = '<table class="nb"><thead><tr><th scope="col">Authority</th>';
          AREAS.forEach(function (ar) { s += '<th scope="col">' + TITLE[ar] + "</th>"; });
          s += '<th scope="col">Last inspection</th></tr></thead><tbody>';
          slugs.forEach(function (sl) {
            var a = A[sl];
            if (!a) return;
            var h = a.cur >= 0 ? a.h[a.cur] : null;
            s += "<tr" + (sl === self ? ' class="self"' : "") + '><th scope="row"><a href="#a-' + esc(sl) + '">' + esc(a.n) +
              "</a>" + (sl === self ? " (this authority)" : "") + "</th>";
            AREAS.forEach(function (ar) { s += "<td>" + chip(gradeOf(a, ar)) + "</td>"; });
            s += "<td>" + (h ? span(h[2], h[3]) : "None on file") + "</td></tr>";
          });
          return s + '</tbody></table><p class="note">RI: requires improvement. NJ: not judged. None: no graded inspection on file.</p>';
        }
        function axis(t0, t1, w) { return function (t) { return 60 + (t - t0) / Math.max(1, t1 - t0) * (w - 80); }; }
        function timeline(a, t0, t1) {
          var w = 640, x = axis(t0, t1, w), s = '<svg class="chart" viewBox="0 0 ' + w + ' 54" aria-hidden="true">';
          s += '<line x1="60" y1="30" x2="' + (w - 20) + '" y2="30" stroke="#333"/>';
          for (var y = new Date(t0).getUTCFullYear(); y <= new Date(t1).getUTCFullYear(); y++) {
            var tx = x(Date.UTC(y, 0, 1));
            if (tx >= 60) s += '<line x1="' + tx + '" y1="26" x2="' + tx + '" y2="34" stroke="#333"/><text x="' + tx +
              '" y="50" text-anchor="middle">' + y + "</text>";
          }
          a.h.forEach(function (h) {
            var cx = x(time(h[2])), g = grades(h[5]), graded = h[5] !== "";
            var l = graded ? (g.overall || lowest(g)) : null;
            s += graded ? '<circle cx="' + cx + '" cy="30" r="7" class="' + cls(l) + '" stroke="#000"/>'
              : '<rect x="' + (cx - 4) + '" y="14" width="8" height="8" fill="#666" transform="rotate(45 ' + cx + ' 18)"/>';
          });
          return s + "</svg>";
        }
        function lowest(g) {
          var best = null;
          Object.keys(g).forEach(function (k) { var l = g[k]; if (GRADE[l][2] > 0 && (!best || GRADE[l][2] < GRADE[best][2])) best = l; });
          return best || "N";
        }
        var DASH = ["", "6 3", "2 3", "8 3 2 3", "1 5"], INK = ["#000", "#e69f00", "#0072b2", "#009e73", "#cc79a7"];
        function chart(a, t0, t1) {
          var w = 640, x = axis(t0, t1, w), row = {O: 14, G: 40, R: 66, I: 92};
          var s = '<svg class="chart" viewBox="0 0 ' + w + ' 110" role="img" aria-label="Grades over time; the same grades are listed above">';
          ["O", "G", "R", "I"].forEach(function (l) {
            s += '<line x1="60" x2="' + (w - 20) + '" y1="' + row[l] + '" y2="' + row[l] + '" stroke="#ddd"/><text x="0" y="' +
              (row[l] + 4) + '">' + cap(GRADE[l][0]).replace("Requires improvement", "Req. impr.") + "</text>";
          });
          var legend = "";
          AREAS.forEach(function (ar, i) {
            var pts = [];
            a.h.forEach(function (h) {
              if ((h[0] === "ilacs" || h[0] === "sif") && h[5]) {
                var l = grades(h[5])[ar];
                if (l && row[l]) pts.push(x(time(h[2])).toFixed(1) + "," + (row[l] + (i - 2) * 1.5));
              }
            });
            if (!pts.length) return;
            s += '<polyline fill="none" stroke="' + INK[i] + '" stroke-width="2" stroke-dasharray="' + DASH[i] +
              '" points="' + pts.join(" ") + '"/>';
            pts.forEach(function (p) { var q = p.split(","); s += '<circle cx="' + q[0] + '" cy="' + q[1] + '" r="3" fill="' + INK[i] + '"/>'; });
            legend += '<li><svg width="30" height="8" aria-hidden="true"><line x1="0" y1="4" x2="30" y2="4" stroke="' + INK[i] +
              '" stroke-width="2" stroke-dasharray="' + DASH[i] + '"/></svg> ' + TITLE[ar] + "</li>";
          });
          return s + '</svg><ul class="legend">' + legend + "</ul>";
        }
        // Outlines the open authority on the map (recolouring resets the paths' classes).
        function mark() {
          if (shown) Array.prototype.forEach.call(map.querySelectorAll('[data-slug="' + shown + '"]'), function (e) { e.classList.add("on"); });
        }
        function render(slug) {
          var a = A[slug];
          if (!a) return;
          var g = current(a), h = a.cur >= 0 ? a.h[a.cur] : null;
          var s = '<div class="top"><h2 id="detail-title" tabindex="-1">' + esc(a.n) +
            '</h2><button type="button" class="close">Close</button></div>';
          s += "<p>" + (a.r ? esc(a.r) : "") + (a.c ? " · DfE code " + esc(a.c) : "") + (a.f ? " · former authority" : "") + "</p>";
          s += '<div class="grid"><div><h3>Current grades</h3>';
          if (h) {
            s += "<p>From the " + FWL[h[0]] + " of " + span(h[2], h[3]) +
              (a.ds !== null ? " (" + a.ds + " days before " + day(asOf) + ")" : "") +
              (a.pl !== null ? "; published " + a.pl + " days after" : "") + '.</p><dl class="grades">';
            Object.keys(TITLE).forEach(function (ar) { if (g[ar]) s += "<dt>" + TITLE[ar] + "</dt><dd>" + badge(g[ar]) + "</dd>"; });
            s += "</dl>";
          } else s += "<p>No graded inspection on file.</p>";
          s += "<h3>Next ILACS inspection</h3><p>" + esc(windowText(a)) + '</p><p class="note">' + esc(a.w[4]) +
            " An estimate from the framework’s cycle, not a date from Ofsted.</p></div>";
          s += "<div><h3>What needs to improve</h3>";
          if (a.imr >= 0) {
            s += '<p class="note">From the report on the ' + FWL[a.h[a.imr][0]] +
              " of " + span(a.h[a.imr][2], a.h[a.imr][3]) + ".</p><ol>";
            a.im.forEach(function (p) { s += "<li>" + esc(p) + "</li>"; });
            s += "</ol>";
          } else s += "<p>None on file.</p>";
          s += "</div></div>";
          var t0 = a.h.length ? time(a.h[0][2]) : time(asOf), t1 = time(asOf);
          t0 = Date.UTC(new Date(t0).getUTCFullYear(), 0, 1);
          s += "<h3>Inspections and visits</h3>" + (a.h.length ? timeline(a, t0, t1) : "") + '<ol class="timeline" id="history">';
          for (var i = a.h.length - 1; i >= 0; i--) {
            var r = a.h[i], rg = grades(r[5]), list = [];
            Object.keys(TITLE).forEach(function (ar) { if (rg[ar]) list.push(TITLE[ar].toLowerCase() + " " + GRADE[rg[ar]][0]); });
            s += "<li><strong>" + span(r[2], r[3]) + "</strong> " + fw(r[0]) + (r[1] ? " (" + r[1] + ")" : "") +
              (list.length ? ": " + esc(list.join(", ")) : "") + (r[7].indexOf("u") >= 0 ? ": grades could not be read" : "") +
              (r[4] ? "; published " + day(r[4]) : "") + (r[7].indexOf("w") >= 0 ? "; no longer listed by Ofsted" : "") +
              (r[6] ? ' <a href="' + esc(r[6]) + '" rel="noopener noreferrer">Report</a>' : "") + "</li>";
          }
          s += "</ol>";
          if (a.h.some(function (r) { return (r[0] === "ilacs" || r[0] === "sif") && r[5]; })) s += "<h3>Grades over time</h3>" + chart(a, t0, t1);
          if (a.nb.length) {
            s += '<h3>Statistical neighbours</h3><div class="scroll" id="neighbours">' + gradeTable([slug].concat(a.nb), slug) + "</div>";
          }
          detail.innerHTML = s;
          detail.hidden = false;
          detail.querySelector(".close").addEventListener("click", close);
          Array.prototype.forEach.call(document.querySelectorAll(".on,.sel"), function (e) { e.classList.remove("on", "sel"); });
          shown = slug;
          mark();
          var row = document.getElementById("r-" + slug);
          if (row) row.classList.add("sel");
          var title = document.getElementById("detail-title");
          title.focus({preventScroll: true});
          detail.scrollIntoView({block: "nearest"});
        }
        recolour();
        fromHash();
        // A mark once the coloured map has been painted (the frame after the next), for the benchmark.
        requestAnimationFrame(function () { setTimeout(function () { if (performance.mark) performance.mark("casefile-map-painted"); }, 0); });
        })();
        """#
}
