// The workflow diagrams on the advisor's help page. Mermaid is served by the portal itself (node_modules →
// /static/mermaid/); this file replaces an inline script so that a strict Content-Security-Policy can apply.
/* global mermaid */
mermaid.initialize({ startOnLoad: true, securityLevel: "strict" });
