/**
 * The one stylesheet of the portal and the staff console, served from /assets/site.css (the CSP allows styles from self
 * only). Large type, strong contrast, visible focus, one column that reflows at 200 % zoom.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:112.5%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;line-height:1.55;color:#1b1b1b;background:#ffffff}
a{color:#0b4a8f;text-decoration:underline;text-underline-offset:.15em}
a:hover{color:#062c56}
:focus-visible{outline:3px solid #1b1b1b;outline-offset:3px;box-shadow:0 0 0 6px #ffd54a}
.skip{position:absolute;left:-9999px;top:0;background:#ffd54a;color:#1b1b1b;padding:.5rem 1rem}
.skip:focus{left:.5rem;top:.5rem;z-index:10}
header.site{background:#0b3a6e;color:#ffffff;padding:.75rem 1rem}
header.site a,header.site .link-button{color:#ffffff}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;max-width:60rem;margin:0 auto}
.org{margin:0;font-weight:700;flex:1 1 auto}
.org .logo{height:2rem;width:auto;max-width:10rem;vertical-align:middle;margin-right:.6rem}
.ways{list-style:none;padding:0}.ways h2{margin-bottom:.2rem}
.logout{margin:0;display:inline}
.link-button{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;margin:.75rem auto 0;max-width:60rem}
nav a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
main{display:block;max-width:60rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main:focus{outline:none}
h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0 1rem}
h1,h2{overflow-wrap:break-word}
h2{font-size:1.35rem;margin:2rem 0 .75rem}
.field{margin:0 0 1.25rem}
label,legend{display:block;font-weight:700;margin-bottom:.25rem}
.hint{margin:.1rem 0 .35rem;color:#3d3d3d}
input[type=text],input[type=email],input[type=password],select{font:inherit;width:100%;max-width:28rem;padding:.55rem .6rem;border:2px solid #1b1b1b;border-radius:4px;background:#ffffff;color:#1b1b1b}
.has-error input{border-color:#b00020}
.error{color:#b00020;font-weight:700;margin:.1rem 0 .35rem}
fieldset{border:0;padding:0;margin:0 0 1.25rem}
.choice{display:flex;gap:.6rem;align-items:center;margin:.35rem 0}
.choice input{width:1.4rem;height:1.4rem;margin:0}
.choice label{font-weight:400;margin:0}
button,.button{font:inherit;font-weight:700;background:#0b4a8f;color:#ffffff;border:2px solid #0b4a8f;border-radius:4px;padding:.55rem 1.2rem;cursor:pointer;text-decoration:none;display:inline-block}
button:hover,.button:hover{background:#062c56;border-color:#062c56;color:#ffffff}
button.secondary,.button.secondary{background:#ffffff;color:#0b4a8f}
.error-summary{border:4px solid #b00020;padding:1rem;margin:0 0 1.5rem}
.error-summary h2{margin-top:0}
.flash{border-left:6px solid #1d6b2f;background:#eef7f0;padding:.75rem 1rem}
.notice{border-left:6px solid #0b4a8f;background:#eef3fa;padding:.75rem 1rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid #6b6b6b}
th{background:#eef3fa}
ul.downloads{list-style:none;margin:0;padding:0}
.consent-text{white-space:pre-wrap;border:1px solid #6b6b6b;padding:.75rem 1rem;background:#fafafa;max-height:20rem;overflow:auto}
.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
dl.totp dt{font-weight:700;margin-top:.75rem}
dl.totp dd{margin:0}
code.wrap{word-break:break-all}
code{font-size:1.05rem}
pre.wrap{white-space:pre-wrap;word-break:break-all;background:#fafafa;border:1px solid #6b6b6b;padding:.5rem}
dl.facts dt{font-weight:700;margin-top:.5rem}
dl.facts dd{margin:0}
form.inline{display:inline-block;margin:.25rem .5rem .25rem 0}
.pager{margin:1rem 0}
textarea{font:inherit;width:100%;max-width:28rem;padding:.55rem .6rem;border:2px solid #1b1b1b;border-radius:4px}
textarea{background:#ffffff;color:#1b1b1b}
.has-error textarea{border-color:#b00020}
.button.secondary{background:#ffffff;color:#0b4a8f}
.buttons .button{margin:0 .5rem .5rem 0}
.lead{font-size:1.2rem;font-weight:700}
strong.new{display:inline-block;background:#1d6b2f;color:#ffffff;padding:0 .45rem;border-radius:3px;font-size:.85rem;line-height:1.5}
.choice.with-value{flex-wrap:wrap;margin-bottom:.6rem}
.choice .value{flex-basis:100%;margin-left:2rem;color:#3d3d3d;overflow-wrap:anywhere;white-space:pre-wrap}
.choice .value.empty{font-style:italic}
.choice input:disabled+label{color:#3d3d3d}
dd.wrap{overflow-wrap:anywhere}
figure.qr{margin:1rem 0}
figure.qr svg{display:block;max-width:100%;height:auto}
/* Narrow screens: a table becomes one box per row, each cell headed by its column's name (data-label);
   the header row stays in the document for screen readers, only moved out of sight. */
@media (max-width:40em){
h1{font-size:1.55rem}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
table.stack tr{border:1px solid #6b6b6b;border-radius:4px;margin:0 0 1rem;padding:.35rem .75rem}
table.stack td{border:0;padding:.3rem 0;overflow-wrap:anywhere}
table.stack td[data-label]::before{content:attr(data-label);display:block;font-weight:700;color:#3d3d3d}
}
footer.site{border-top:1px solid #6b6b6b;padding:1rem;max-width:60rem;margin:0 auto;color:#3d3d3d}
`;
