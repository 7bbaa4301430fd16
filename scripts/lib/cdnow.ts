/**
 * Converts the CDNOW research file (whitespace separated:
 * `original_id sample_id yyyymmdd number_of_cds dollar_value`) into the `customer_id,date,amount`
 * CSV the CLV CLI reads, so the published fits can be checked through the same path merchants use.
 * The dollar text is copied as is (no float round trip); the sample id is the customer id.
 */
export function cdnowToPurchasesCsv(text: string): string {
  const out = ["customer_id,date,amount"];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const parts = line.split(/\s+/);
    const [, sampleId, ymd, , dollars] = parts;
    if (parts.length !== 5 || !/^\d{8}$/.test(ymd) || !/^\d+(\.\d+)?$/.test(dollars)) {
      throw new Error(`CDNOW line ${i + 1}: expected 5 fields "id sample_id yyyymmdd cds dollars", got "${line}"`);
    }
    out.push(`${sampleId},${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${dollars}`);
  }
  return `${out.join("\n")}\n`;
}
