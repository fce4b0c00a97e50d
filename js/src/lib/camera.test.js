import { afterEach, describe, expect, it } from "vitest";
import { Camera, READABLE } from "./camera.js";
import { SVG_NS } from "./dom.js";

function canvas() {
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG_NS, "svg"));
  svg.setAttribute("width", "400");
  svg.setAttribute("height", "300");
  const viewport = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, "g"));
  svg.appendChild(viewport);
  document.body.appendChild(svg);
  return { svg, viewport, camera: new Camera(svg, viewport) };
}

afterEach(() => document.body.replaceChildren());

describe("camera", () => {
  it("fits a drawing into the canvas, centred, never above 1.5x", () => {
    const { camera } = canvas();
    camera.fit({ w: 3800, h: 100 });
    expect(camera.transform.k).toBeCloseTo(0.1);
    expect(camera.transform.y).toBeCloseTo((300 - 10) / 2);
    camera.fit({ w: 10, h: 10 });
    expect(camera.transform.k).toBe(1.5);
    expect(camera.moved).toBe(false);
  });

  it("centres a point zoomed in to a readable size, and keeps a point in place", () => {
    const { camera } = canvas();
    camera.fit({ w: 3800, h: 2800 }); // 0.1x: labels a pixel high
    camera.centre({ x: 20, y: 30 }); // the drawing's (100, 200): fitted at (10, 10) + 0.1x
    expect(camera.transform.k).toBe(READABLE);
    expect(camera.transform.apply([100, 200])).toEqual([200, 150]);
    camera.keep({ x: 50, y: 60 }, { x: 10, y: 20 });
    expect(camera.transform.apply([50, 60])).toEqual([10, 20]);
  });
});
