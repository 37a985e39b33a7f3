// Reads a .docx with mammoth (an independent Word reader) and prints its paragraphs as a
// JSON array of strings, in document order (table cells are paragraphs too).
import mammoth from "mammoth";

const result = await mammoth.extractRawText({ path: process.argv[2] });
const paragraphs = result.value.split(/\n+/).map((p) => p.replace(/\s+/g, " ").trim()).filter((p) => p);
console.log(JSON.stringify({ paragraphs, messages: result.messages.map((m) => m.message) }));
