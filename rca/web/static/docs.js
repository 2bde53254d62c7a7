// A small, local rendering of /openapi.json (no CDN).
(function () {
  "use strict";
  var main = document.getElementById("docs");
  function el(tag, text) { var e = document.createElement(tag); if (text) e.textContent = text; return e; }
  fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
    main.textContent = "";
    main.appendChild(el("p", (spec.info && spec.info.description) || ""));
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var div = el("div"); div.className = "endpoint";
        var h = el("h2"); var m = el("span", method.toUpperCase()); m.className = "method";
        h.appendChild(m); h.appendChild(document.createTextNode(path)); div.appendChild(h);
        div.appendChild(el("p", op.summary || ""));
        if (op.description) div.appendChild(el("p", op.description));
        var ref = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
        if (ref && ref.schema && ref.schema["$ref"]) {
          var name = ref.schema["$ref"].split("/").pop();
          var schema = spec.components.schemas[name];
          div.appendChild(el("p", "Request body: " + name));
          var pre = el("pre", JSON.stringify(schema, null, 2)); div.appendChild(pre);
        }
        main.appendChild(div);
      });
    });
    main.appendChild(el("h2", "Schemas"));
    main.appendChild(el("pre", JSON.stringify((spec.components || {}).schemas || {}, null, 2)));
  }).catch(function () { main.textContent = "Could not load /openapi.json"; });
})();
