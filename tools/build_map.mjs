// Builds public/data/celac-map.json, the geometry of the map page, from Natural Earth's
// 1:50m countries as npm's world-atlas ships them (countries-50m.json; the 1:110m file
// lacks seven of the member states).
//
//   node tools/build_map.mjs [OUTPUT]     (default: public/data/celac-map.json)
//
// The portal reads only the file this writes, which is committed: nothing here runs on a
// server. The shapes are simplified once, on the whole topology so that shared borders stay
// shared, projected (Mercator, cropped to Latin America and the Caribbean) and written as
// SVG path strings per ISO 3166 alpha-2 code, with each state's centroid for the markers
// that keep the smallest island states visible.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { feature, merge } from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";
import { geoMercator, geoPath } from "d3-geo";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const atlas = JSON.parse(
  readFileSync(join(root, "node_modules/world-atlas/countries-50m.json"), "utf8"),
);
const version = JSON.parse(
  readFileSync(join(root, "node_modules/world-atlas/package.json"), "utf8"),
).version;

// The 33 member states: ISO 3166-1 alpha-2 (the fixture's iso_code) → numeric (world-atlas' id).
const MEMBERS = {
  AG: "028", AR: "032", BS: "044", BB: "052", BZ: "084", BO: "068", BR: "076", CL: "152",
  CO: "170", CR: "188", CU: "192", DM: "212", EC: "218", SV: "222", GD: "308", GT: "320",
  GY: "328", HT: "332", HN: "340", JM: "388", MX: "484", NI: "558", PA: "591", PY: "600",
  PE: "604", DO: "214", KN: "659", VC: "670", LC: "662", SR: "740", TT: "780", UY: "858",
  VE: "862",
};
// Below this drawn area (in square units of the 1000-wide drawing) a state gets a marker.
const SMALL_AREA = 40;
const WIDTH = 1000;
// Points whose triangle is smaller than this (in steradians) are dropped.
const MIN_WEIGHT = 1e-6;

const topology = simplify(presimplify(atlas), MIN_WEIGHT);
const geometries = topology.objects.countries.geometries;
const byId = new Map(geometries.map((geometry) => [geometry.id, geometry]));
const missing = Object.entries(MEMBERS).filter(([, id]) => !byId.has(id));
if (missing.length) {
  throw new Error(`Not in world-atlas: ${missing.map(([code]) => code).join(", ")}`);
}

const members = Object.entries(MEMBERS).map(([code, id]) => ({
  code,
  id,
  feature: feature(topology, byId.get(id)),
}));
const projection = geoMercator().fitWidth(WIDTH, {
  type: "FeatureCollection",
  features: members.map((member) => member.feature),
});
const path = geoPath(projection).digits(0);
const [[, top], [, bottom]] = path.bounds({
  type: "FeatureCollection",
  features: members.map((member) => member.feature),
});
const height = Math.ceil(bottom - top) + 20;
projection.translate([projection.translate()[0], projection.translate()[1] - top + 10]);
projection.clipExtent([[0, 0], [WIDTH, height]]);

const round = (value) => Math.round(value * 10) / 10;
const states = {};
for (const member of members) {
  const [cx, cy] = path.centroid(member.feature);
  states[member.code] = {
    numeric: member.id,
    name: byId.get(member.id).properties.name,
    d: path(member.feature),
    cx: round(cx),
    cy: round(cy),
    small: path.area(member.feature) < SMALL_AREA,
  };
}
// The other countries and territories in the frame, as one grey shape for context.
const memberIds = new Set(Object.values(MEMBERS));
const others = merge(
  topology,
  geometries.filter((geometry) => !memberIds.has(geometry.id)),
);

const output = {
  source: `Natural Earth 1:50m countries, world-atlas ${version} (countries-50m.json)`,
  projection: "Mercator",
  width: WIDTH,
  height,
  context: path(others),
  states,
};
const target = process.argv[2] ?? join(root, "public/data/celac-map.json");
writeFileSync(
  target,
  JSON.stringify(output, null, 0).replaceAll('},"', '},\n"') + "\n",
);
console.log(
  `${target}: ${Object.keys(states).length} states, ${WIDTH}×${height}, ` +
    `small: ${Object.entries(states).filter(([, s]) => s.small).map(([c]) => c).join(" ")}`,
);
