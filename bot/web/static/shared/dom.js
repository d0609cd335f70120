/* The one DOM helper of the widget, the console and the studio. Text only ever becomes text
 * nodes or textContent: nothing is parsed as HTML. */

const SVG_NS = "http://www.w3.org/2000/svg";
const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "hidden"]);

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", String(value));
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (PROPERTIES.has(key) && !(node instanceof SVGElement)) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Build an HTML element. ``attrs``: ``class``, ``text`` (textContent), ``on<event>`` handlers,
 * ``value``/``checked``/``disabled``/``selected``/``hidden`` as properties, anything else as an
 * attribute (``true`` -> empty attribute; ``null``, ``undefined`` and ``false`` are skipped).
 * Children: nodes, or anything else as a text node; arrays are flattened.
 */
export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** Build an SVG element, with the same arguments as :func:`el`. */
export function svgEl(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}
