import { perTypeTable, startGenerators, stopGenerators, formatTable } from './throughput.ts';
async function main() {
  const kinds = process.argv.slice(2) as any;
  const g = await startGenerators(2);
  console.log('ceiling', g.ceiling);
  const rows = await perTypeTable(g, [{ name: 'new', bundle: ['server/dist/main.mjs'] }], Number(process.env.SECONDS ?? 2), kinds);
  console.log(formatTable(rows, g.ceiling));
  stopGenerators(g);
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
