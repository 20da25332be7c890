/* The instance page's BPMN diagram: bpmn-js (NavigatedViewer, read-only, served from
 * static/vendor/bpmn-js/) draws the definition's diagram and every flow element gets a mark:
 * sf-completed, sf-active, sf-overdue or sf-not-reached (states computed on the server, see
 * stratflow/services/diagram.py, embedded as JSON in #sf-diagram-states).
 * Clicking a user task opens its task page; a step with several tasks (one per spending unit)
 * opens a small list. Progressive: when anything here fails, the rest of the page works and the
 * box says the diagram could not be shown. The bpmn.io watermark stays visible (licence). */
(function () {
  "use strict";

  var box = document.getElementById("sf-diagram");
  if (!box) { return; }
  var canvasEl = box.querySelector(".sf-diagram-canvas");
  var messageEl = box.querySelector(".sf-diagram-message");

  function fail(text) {
    box.setAttribute("data-state", "error");
    if (messageEl) { messageEl.textContent = text || box.getAttribute("data-error-text"); messageEl.hidden = false; }
  }

  if (!window.BpmnJS || !window.fetch || !canvasEl) { fail(); return; }

  var states;
  try {
    states = JSON.parse(document.getElementById("sf-diagram-states").textContent) || {};
  } catch (err) { fail(); return; }

  var taskUrl = box.getAttribute("data-task-url");
  var stateText = JSON.parse(box.getAttribute("data-state-labels") || "{}");
  var viewer = new window.BpmnJS({ container: canvasEl });
  var canvas = viewer.get("canvas");
  var registry = viewer.get("elementRegistry");
  var overlays = viewer.get("overlays");

  function isFlowNode(element) {
    var bo = element.businessObject;
    return element.type !== "label" && !element.labelTarget && bo && bo.$instanceOf &&
      bo.$instanceOf("bpmn:FlowNode");
  }

  function cssState(state) { return "sf-" + String(state || "not_reached").replace(/_/g, "-"); }

  function openTask(id) { window.location.href = taskUrl.replace("__ID__", encodeURIComponent(id)); }

  function closePopup() { overlays.remove({ type: "sf-popup" }); }

  function showList(element, tasks) {
    closePopup();
    var popup = document.createElement("div");
    popup.className = "sf-popup";
    popup.setAttribute("role", "dialog");
    var title = document.createElement("div");
    title.className = "sf-popup-title";
    title.textContent = element.businessObject.name || element.id;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "sf-popup-close";
    close.setAttribute("aria-label", box.getAttribute("data-close-text") || "×");
    close.textContent = "×";
    close.addEventListener("click", function (event) { event.stopPropagation(); closePopup(); });
    title.appendChild(close);
    popup.appendChild(title);
    var list = document.createElement("ul");
    tasks.forEach(function (task) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = taskUrl.replace("__ID__", encodeURIComponent(task.id));
      link.textContent = task.label;
      var badge = document.createElement("span");
      badge.className = "sf-badge " + cssState(task.state);
      badge.textContent = stateText[task.state] || task.state;
      item.appendChild(link);
      item.appendChild(badge);
      list.appendChild(item);
    });
    popup.appendChild(list);
    if (box.getAttribute("data-matrix-text")) {
      var more = document.createElement("a");
      more.className = "sf-popup-more";
      more.href = "#unit-matrix";
      more.textContent = box.getAttribute("data-matrix-text");
      popup.appendChild(more);
    }
    ["mousedown", "wheel", "click"].forEach(function (name) {
      popup.addEventListener(name, function (event) { event.stopPropagation(); });
    });
    overlays.add(element.id, "sf-popup", { position: { top: element.height + 6, left: 0 }, html: popup, scale: false });
  }

  /* Marks every flow node; returns the elements where the process stands now. */
  function mark() {
    var current = [];
    registry.filter(isFlowNode).forEach(function (element) {
      var found = states[element.id];
      var state = found ? found.state : "not_reached";
      canvas.addMarker(element.id, cssState(state));
      if (found && found.tasks && found.tasks.length) { canvas.addMarker(element.id, "sf-clickable"); }
      if (state === "active" || state === "overdue") { current.push(element); }
    });
    return current;
  }

  /* Shows the given elements as large as possible (at most 100 %, at least 35 %), centred. */
  function focus(elements) {
    if (!elements.length) { canvas.zoom("fit-viewport", "auto"); return; }
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    elements.forEach(function (e) {
      x1 = Math.min(x1, e.x); y1 = Math.min(y1, e.y);
      x2 = Math.max(x2, e.x + e.width); y2 = Math.max(y2, e.y + e.height);
    });
    var outer = canvas.viewbox().outer, pad = 120;
    var scale = Math.min(1, outer.width / (x2 - x1 + 2 * pad), outer.height / (y2 - y1 + 2 * pad));
    scale = Math.max(scale, 0.35);
    var width = outer.width / scale, height = outer.height / scale;
    canvas.viewbox({ x: (x1 + x2) / 2 - width / 2, y: (y1 + y2) / 2 - height / 2, width: width, height: height });
  }

  viewer.get("eventBus").on("element.click", function (event) {
    var found = states[event.element.id];
    if (!found || !found.tasks || !found.tasks.length) { closePopup(); return; }
    if (found.tasks.length === 1) { openTask(found.tasks[0].id); } else { showList(event.element, found.tasks); }
  });

  function zoomBy(factor) { canvas.zoom(Math.min(Math.max(canvas.zoom() * factor, 0.2), 3)); }
  var actions = { "zoom-in": function () { zoomBy(1.25); }, "zoom-out": function () { zoomBy(0.8); },
                  "fit": function () { canvas.zoom("fit-viewport", "auto"); } };
  Array.prototype.forEach.call(box.querySelectorAll("[data-diagram-action]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { actions[button.getAttribute("data-diagram-action")](); });
  });

  fetch(box.getAttribute("data-xml-url"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      focus(mark());
      box.setAttribute("data-state", "ready");
    })
    .catch(function (err) {
      if (window.console) { window.console.error("stratflow diagram:", err); }
      fail();
    });
}());
