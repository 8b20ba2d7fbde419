// Print the text of PDFs as pdf.js (Firefox, and the PDF viewers of many web
// sites) reads it, as one JSON object from each file's name to its text: each
// page's text items in order, a line break where pdf.js ends a line, a form
// feed after each page, as pdftotext does. TOP and BOTTOM (points) leave out
// the text whose baseline is that near the top or bottom edge: the running
// heads and page numbers. One process reads every file: starting node and
// pdf.js costs more than reading a summary.
// Usage: node tests/pdfjs_text.mjs TOP BOTTOM FILE.pdf...
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

async function text(file, top, bottom) {
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
      if (y > yMax - top || y < yMin + bottom) continue;
      out += item.str + (item.hasEOL ? "\n" : "");
    }
    out += "\n\f";
  }
  await document.destroy();
  return out;
}

const [top, bottom, ...files] = process.argv.slice(2);
const texts = {};
for (const file of files) {
  texts[file] = await text(file, Number(top), Number(bottom));
}
process.stdout.write(JSON.stringify(texts));
