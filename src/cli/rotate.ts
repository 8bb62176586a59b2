// `spatialkit rotate` — filled in by its issue.
export const describe = 'not yet implemented';
export async function run(_argv: string[]): Promise<number> {
  console.error('spatialkit rotate: not yet implemented');
  return 2;
}
