// Print the text of a PDF as pdf.js (Firefox, and the PDF viewers of many web
// sites) reads it: each page's text items in order, a line break where pdf.js
// ends a line, a form feed after each page, as pdftotext does. TOP and BOTTOM
// (points, default 0) leave out the text whose baseline is that near the top
// or bottom edge: the running heads and page numbers.
// Usage: node tests/pdfjs_text.mjs FILE.pdf [TOP BOTTOM]
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [file, top = "0", bottom = "0"] = process.argv.slice(2);
const data = new Uint8Array(await readFile(file));
const document = await getDocument({ data, verbosity: 0 }).promise;
let out = "";
for (let number = 1; number <= document.numPages; number++) {
  const page = await document.getPage(number);
  const [, yMin, , yMax] = page.view;
  const content = await page.getTextContent();
  for (const item of content.items) {
    if (!("str" in item)) continue;
    const y = item.transform[5]; // the baseline, from the bottom edge up
    if (y > yMax - Number(top) || y < yMin + Number(bottom)) continue;
    out += item.str + (item.hasEOL ? "\n" : "");
  }
  out += "\n\f";
}
process.stdout.write(out);
