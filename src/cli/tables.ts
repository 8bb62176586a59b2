// The tables a rotate run writes (one JSONL and/or Parquet file each), shared by the chunk
// builder and the Parquet encoder.
export const OUTPUTS = ['scenes', 'images', 'qa', 'sdg'] as const;
export type Output = (typeof OUTPUTS)[number];
