/// The page's stylesheet, screen and print.
///
/// Grade colours are ColorBrewer's RdBu (safe for the common forms of colour
/// blindness); on the map the two lower grades also carry a texture
/// (inadequate hatched, requires improvement dotted), and every grade is
/// written in the table, the key, the tooltips and the detail.
enum PageStyle {
    static let css = #"""
        :root{--go:#2166ac;--gg:#92c5de;--gr:#f4a582;--gi:#b2182b;--gn:#d9d9d9;--ink:#1b1b1b;--muted:#555;--line:#c8c8c8;--focus:#ffbf47}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        header,main,footer{max-width:1400px;margin:0 auto;padding:0 16px}
        header{padding-top:12px}
        h1{font-size:1.6em;margin:.4em 0 .2em}
        h2{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:2px solid var(--ink);padding-bottom:.15em}
        h3{font-size:1.05em;margin:1em 0 .3em}
        a{color:#1d4f91}
        a:focus,button:focus,select:focus,[tabindex]:focus{outline:3px solid var(--focus);outline-offset:1px}
        .skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
        .note{color:var(--muted);font-size:.9em;margin:.3em 0}
        .js-only{display:none}.js .js-only{display:flex}
        .controls{gap:12px 18px;flex-wrap:wrap;align-items:center;margin:.4em 0 .6em}
        select,button{font:inherit;padding:2px 6px}
        table{border-collapse:collapse}
        th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
        thead th{border-bottom:2px solid var(--ink);vertical-align:bottom}
        caption{text-align:left;color:var(--muted);font-size:.9em;padding:.2em 0}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        .counts td{white-space:nowrap}.counts thead th{font-size:.9em}
        .recent{padding-left:1.2em}
        .sw{display:inline-block;width:1.05em;height:1.05em;border:1px solid #777;vertical-align:-.15em}
        .sw.go{background:var(--go)}.sw.gg{background:var(--gg)}.sw.gn{background:var(--gn)}
        .sw.gr{background:radial-gradient(circle,#6b3a1f 28%,var(--gr) 32%) 0 0/6px 6px}
        .sw.gi{background:repeating-linear-gradient(45deg,var(--gi) 0 4px,#f7f7f7 4px 6px)}
        .sw.gx{background:repeating-linear-gradient(-45deg,#fff 0 4px,#999 4px 5px)}
        .atlas{display:grid;grid-template-columns:minmax(0,1fr);gap:0 28px}
        @media (min-width:1100px){.atlas{grid-template-columns:minmax(0,700px) minmax(0,1fr)}}
        .side{min-width:0}
        .map-wrap{position:relative;max-width:760px}
        dl.grades{display:grid;grid-template-columns:max-content auto;gap:3px 12px;margin:.4em 0}dl.grades dd{margin:0}
        [tabindex="-1"]:focus:not(:focus-visible){outline:none}
        #map{width:100%;height:auto;display:block;background:#f4f8fb;border:1px solid var(--line)}
        /* No ancestor in these selectors: they must also match the inset's <use> copies, whose shadow trees have none. */
        path[data-slug]{stroke:#fff;stroke-width:.6px;vector-effect:non-scaling-stroke;stroke-linejoin:round;cursor:pointer}
        path.go{fill:var(--go)}path.gg{fill:var(--gg)}path.gr{fill:url(#pr)}path.gi{fill:url(#pi)}path.gn{fill:var(--gn)}path.gx{fill:url(#px)}
        path[data-slug]:hover,path[data-slug]:focus,path.on{stroke:#000;stroke-width:2.5px;outline:none}
        use[data-slug]{cursor:pointer}use[data-slug]:focus{outline:3px solid var(--focus)}
        #map .frame{fill:#fff;stroke:#777;stroke-width:1px;vector-effect:non-scaling-stroke}
        #map .inset-label{font-size:190px;fill:#333}
        .legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;margin:.5em 0}
        .tip{position:absolute;z-index:5;background:#fff;border:1px solid #333;box-shadow:0 2px 6px rgba(0,0,0,.25);padding:6px 8px;font-size:.85em;max-width:300px;pointer-events:none}
        .tip h3{margin:0 0 .2em;font-size:1em}.tip table{font-size:1em}.tip td,.tip th{padding:0 4px;border:0}
        .scroll{overflow-x:auto}
        .authorities{font-size:.88em;width:100%}
        .authorities th[aria-sort] button,.authorities thead button{font:inherit;font-weight:bold;border:0;background:none;padding:0;cursor:pointer;text-align:left;color:inherit}
        .authorities thead button::after{content:" \2195";color:#888}
        .authorities th[aria-sort=ascending] button::after{content:" \2191";color:#000}
        .authorities th[aria-sort=descending] button::after{content:" \2193";color:#000}
        td.g{white-space:nowrap;border-left:6px solid transparent}
        td.go{border-left-color:var(--go)}td.gg{border-left-color:var(--gg)}td.gr{border-left-color:var(--gr)}td.gi{border-left-color:var(--gi)}td.gn{border-left-color:var(--gn);color:var(--muted)}td.gx{color:var(--muted)}
        .fw{color:var(--muted);font-size:.9em}
        .w{font-weight:600}.w-open{color:#8a4b00}.w-overdue{color:#9b1c1c}.w-not_yet{color:#1d4f91}.w-unknown{color:var(--muted);font-weight:normal}
        tr.sel{background:#fff6d6}
        .badge{display:inline-block;padding:0 6px;border-radius:3px;border:1px solid #777;white-space:nowrap}
        .badge.go{background:var(--go);color:#fff}.badge.gg{background:var(--gg)}.badge.gr{background:var(--gr)}.badge.gi{background:var(--gi);color:#fff}.badge.gn,.badge.gx{background:#eee}
        .detail{border:2px solid var(--ink);padding:4px 16px 16px;margin:1em 0;background:#fcfcfc}
        .detail .top{display:flex;justify-content:space-between;align-items:baseline;gap:1em}
        .detail h2{border:0;margin:.5em 0 .2em}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:0 28px}
        .timeline{padding-left:1.2em}.timeline li{margin:.2em 0}
        .chart{width:100%;max-width:640px;height:auto;display:block}
        .chart text{font-size:11px;fill:#333}
        .self{font-weight:bold;background:#f0f0f0}
        .changes li{margin:.35em 0}.changes time{font-weight:600;margin-right:.3em}
        footer{margin-top:2em;padding-top:.6em;padding-bottom:2em;border-top:1px solid var(--line);color:var(--muted);font-size:.85em}
        .chart .go{fill:var(--go)}.chart .gg{fill:var(--gg)}.chart .gr{fill:var(--gr)}.chart .gi{fill:var(--gi)}.chart .gn{fill:var(--gn)}
        @media print{
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact;outline:none!important}
        body{font-size:9pt}.atlas{display:block}.controls,.tip,.skip,.detail .close,#filters{display:none!important}
        .map-wrap{max-width:15cm}h2{break-after:avoid}tr,li{break-inside:avoid}
        .scroll{overflow:visible}a{color:inherit;text-decoration:none}
        .detail{border:0;padding:0;break-before:page}
        path[data-slug]{stroke:#fff}
        }
        """#
}
