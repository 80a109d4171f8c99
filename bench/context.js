// The context both apps of the benchmark synthesize with: no path metadata (the floor's
// construct paths differ from the library's, so its templates would too) and no version
// reporting (the floor does not load the library, whose version the metadata would name).
'use strict';
module.exports = { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:version-reporting': false };
