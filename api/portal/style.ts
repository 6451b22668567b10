/**
 * The portal's stylesheet, served as a file (the page CSP allows styles from
 * 'self' only, no inline ones). Small, system fonts, readable on a phone:
 * tables scroll sideways rather than squeeze.
 */
export const PORTAL_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fafafa}
header{background:#7a1010;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700;font-size:1.2rem}
header nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:.9rem}
header nav .lang{border:1px solid #fff;border-radius:4px;padding:0 .4rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin-top:1.5rem}
h3{font-size:1rem}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.waiting{color:#777}
tr.flagged,.flagged{background:#fff1f0}
dl.totals,article dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{color:#555}
dd{margin:0}
dd.valid{font-size:1.3rem;font-weight:700}
.crumbs{font-size:.9rem;margin-bottom:.5rem}
.chart{max-width:32rem;display:block;margin:.5rem 0}
section.verify{border:1px solid #ccc;border-radius:6px;padding:.5rem .75rem;margin:1rem 0;background:#fff}
section.verify button,form button{font-size:1rem;padding:.45rem 1rem;background:#1f5f99;color:#fff;border:0;border-radius:4px}
section.verify[data-verify=ok]{border-color:#2e7d32}
section.verify[data-verify=fail]{border-color:#b3261e}
ol.steps{padding-left:1.2rem;font-size:.9rem}
ol.steps li.ok{color:#2e7d32}
ol.steps li.fail{color:#b3261e}
ol.steps li.info{color:#555}
img.photo{max-width:100%;height:auto;border:1px solid #ccc}
article.version{border-left:4px solid #1f5f99;padding-left:.75rem;margin:1rem 0}
article.version.flagged{border-color:#b3261e}
code{word-break:break-all;font-size:.85em}
input{font-size:1rem;padding:.4rem;width:100%;max-width:24rem}
label{display:block;margin:.5rem 0 .2rem}
footer{padding:1rem;color:#555;max-width:60rem;margin:0 auto}
.empty,.missing{padding:1rem;background:#fff8e1;border:1px solid #f0d58c}
`;
