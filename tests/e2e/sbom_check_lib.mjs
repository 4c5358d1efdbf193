// sbom_check_lib.mjs — writes, with @cyclonedx/cyclonedx-library (the
// CycloneDX project's own JavaScript library), a CycloneDX 1.6 SBOM that
// carries every field BSI TR-03183-2 v2.1 5.2.1/5.2.2 asks for, for
// tests/e2e/sbom_check.sh.  Usage: node sbom_check_lib.mjs OUT.json
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/sbomgen/package.json", import.meta.url));
const CDX = require("@cyclonedx/cyclonedx-library");
const { Models, Enums, Spec, Serialize } = CDX;

const bom = new Models.Bom();
bom.metadata.timestamp = new Date("2024-05-01T12:00:00Z");
bom.metadata.lifecycles.add(Enums.LifecyclePhase.Build);
bom.metadata.authors.add(new Models.OrganizationalContact({ name: "Example Corp SBOM team", email: "sbom@example.test" }));
bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, "sbom-check-lib", { version: "1" }));

const acme = () =>
  new Models.OrganizationalEntity({ name: "Example Corp", url: new Set([new URL("https://example.test/")]) });
const sha512 = (c) => new Models.HashDictionary([[Enums.HashAlgorithm["SHA-512"], c.repeat(128)]]);
function component(name, version, file, hash, exe) {
  const c = new Models.Component(Enums.ComponentType.Library, name, {
    version,
    bomRef: `pkg:generic/${name}@${version}`,
    purl: `pkg:generic/${name}@${version}`,
    supplier: acme(),
    hashes: sha512(hash),
    copyright: "Copyright 2024 Example Corp",
  });
  const declared = new Models.SpdxLicense("Apache-2.0", { acknowledgement: Enums.LicenseAcknowledgement.Declared });
  const concluded = new Models.SpdxLicense("Apache-2.0", { acknowledgement: Enums.LicenseAcknowledgement.Concluded });
  c.licenses.add(declared);
  c.licenses.add(concluded);
  c.properties.add(new Models.Property("bsi:component:filename", file));
  c.properties.add(new Models.Property("bsi:component:executable", exe ? "executable" : "non-executable"));
  c.properties.add(new Models.Property("bsi:component:archive", "no archive"));
  c.properties.add(new Models.Property("bsi:component:structured", "unstructured"));
  return c;
}
const app = component("example-app", "2.0.0", "example-app", "a", true);
app.type = Enums.ComponentType.Application;
const lib = component("example-lib", "1.4.2", "libexample.so.1", "b", false);
const util = component("example-util", "0.9.0", "libutil.so.0", "c", false);
bom.metadata.component = app;
bom.components.add(lib);
bom.components.add(util);
app.dependencies.add(lib.bomRef);
lib.dependencies.add(util.bomRef);

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
const json = JSON.parse(serializer.serialize(bom, { sortLists: true }));
// Completeness of each dependency list (CycloneDX compositions), which the
// library does not model: the graph above is the whole of it.
json.compositions = [
  { aggregate: "complete", dependencies: [app, lib, util].map((c) => c.bomRef.value) },
];
writeFileSync(process.argv[2], JSON.stringify(json, null, 2));
