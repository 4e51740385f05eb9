import { describe, expect, it } from 'vitest';
import { checkConsoleSql, type GuardContext } from './sqlGuard';

const ODD = 'a"; DROP TABLE b; --';
const CTX: GuardContext = { datasetTables: ['sales', 'Web Events', ODD, 'sales.csv'], tempObjects: ['scratch', 'My Temp'] };

/** The kinds of the statements, failing with the refusal when there is one. */
function allowed(sql: string, ctx = CTX): string[] {
  const v = checkConsoleSql(sql, ctx);
  if (!v.ok) throw new Error(`refused ${JSON.stringify(sql)}: ${v.message}`);
  return v.statements.map((s) => s.kind);
}

function refused(sql: string, ctx = CTX): { message: string; offset?: number } {
  const v = checkConsoleSql(sql, ctx);
  if (v.ok) throw new Error(`allowed ${JSON.stringify(sql)}`);
  return v;
}

describe('checkConsoleSql allows', () => {
  it.each([
    ['SELECT * FROM sales'],
    ['select count(*), sum(amount) from sales group by all order by 1 desc limit 10'],
    ['SELECT count FROM sales WHERE count > 3'],
    ['WITH x AS (SELECT 1 AS a), y (b) AS MATERIALIZED (SELECT a FROM x) SELECT * FROM x, y'],
    ['WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t'],
    ['FROM sales SELECT region, amount'],
    ['FROM sales'],
    ['VALUES (1, 2), (3, 4)'],
    ['TABLE sales'],
    ['DESCRIBE sales'],
    ['DESCRIBE SELECT * FROM sales'],
    ['SHOW TABLES'],
    ['SUMMARIZE sales'],
    ['PIVOT sales ON region USING sum(amount)'],
    ['UNPIVOT sales ON a, b INTO NAME k VALUE v'],
    ['(SELECT 1) UNION ALL (SELECT 2)'],
    ['EXPLAIN SELECT * FROM sales'],
    ['EXPLAIN ANALYZE SELECT * FROM sales'],
    ['SELECT ts, sum(amount) OVER (PARTITION BY region ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM sales QUALIFY row_number() OVER w = 1 WINDOW w AS (ORDER BY ts)'],
    ['SELECT * FROM "Web Events" JOIN sales USING (id)'],
    ['SELECT * FROM "web events"'],
    ['SELECT * FROM "a""; DROP TABLE b; --"'],
    ['SELECT * FROM "sales.csv"'],
    ["SELECT 'DROP TABLE x; DELETE FROM sales' AS s"],
    ['SELECT 1 AS "DROP TABLE sales"'],
    ['SELECT 1 /* DROP TABLE sales; */ -- ; DELETE FROM sales'],
    ["SELECT trim(both 'x' FROM 'xax'), substring('abc' FROM 2), extract(year FROM now())"],
    ["SELECT * FROM sales WHERE region IN ('a', 'b') ORDER BY region, 'x'"],
    ["SELECT list_transform([1, 2], x -> x + 1), 'see read_csv(' AS s, E'it\\'s'"],
    ['SELECT query, glob FROM sales'],
    ['SELECT * FROM range(10) t(x), sales'],
  ])('%s', (sql) => {
    expect(() => allowed(sql)).not.toThrow();
  });

  it('says what each statement is', () => {
    expect(allowed('SELECT 1; DESCRIBE sales; SHOW TABLES; SUMMARIZE sales; PIVOT sales ON a; EXPLAIN SELECT 1; (SELECT 1)')).toEqual([
      'query',
      'describe',
      'show',
      'summarize',
      'pivot',
      'explain',
      'query',
    ]);
    expect(checkConsoleSql(' SELECT 1 ; -- x\n SELECT 2 ', CTX)).toEqual({
      ok: true,
      statements: [
        { text: 'SELECT 1', kind: 'query' },
        { text: 'SELECT 2', kind: 'query' },
      ],
    });
    expect(checkConsoleSql('-- nothing', CTX)).toEqual({ ok: true, statements: [] });
  });

  it('lets the console make, change and drop its temporary objects', () => {
    expect(allowed('CREATE TEMP TABLE big AS SELECT * FROM sales WHERE amount > 100')).toEqual(['create']);
    const ctx = { ...CTX, tempObjects: ['big'] };
    expect(
      allowed(
        "INSERT INTO big SELECT * FROM sales; INSERT OR REPLACE INTO temp.big VALUES (1); UPDATE big SET amount = 0; DELETE FROM temp.main.big WHERE amount < 0; ALTER TABLE big ADD COLUMN note VARCHAR; COMMENT ON TABLE big IS 'mine'; TRUNCATE big; DROP TABLE big",
        ctx,
      ),
    ).toEqual(['insert', 'insert', 'update', 'delete', 'alter', 'comment', 'truncate', 'drop']);
    expect(allowed('WITH x AS (SELECT 1) INSERT INTO big SELECT * FROM x', ctx)).toEqual(['insert']);
    expect(allowed('DROP TABLE IF EXISTS BIG', ctx)).toEqual(['drop']);
    expect(allowed('DROP VIEW "My Temp", scratch')).toEqual(['drop']);
    expect(allowed("COMMENT ON COLUMN scratch.a IS 'x'")).toEqual(['comment']);
    expect(allowed('ALTER TABLE scratch RENAME TO scratch2')).toEqual(['alter']);
    const named = { ...CTX, tempObjects: ['glob', 'm'] };
    expect(allowed('INSERT INTO glob (a, b) VALUES (1, 2); DROP MACRO TABLE IF EXISTS m; DROP FUNCTION m', named)).toEqual(['insert', 'drop', 'drop']);
  });

  it('takes every form of CREATE TEMP', () => {
    for (const sql of [
      'CREATE TEMP TABLE t (a INT, query VARCHAR)',
      'CREATE TEMPORARY VIEW v AS SELECT * FROM sales',
      'CREATE OR REPLACE TEMP VIEW v AS SELECT 1',
      'CREATE TEMP OR REPLACE TABLE t AS SELECT 1',
      'create temp table if not exists t as select 1',
      'CREATE TEMP MACRO add1(x) AS x + 1',
      'CREATE TEMP MACRO query(x) AS x',
      'CREATE TEMP FUNCTION f(x) AS TABLE SELECT * FROM sales WHERE amount > x',
      'CREATE TEMP SEQUENCE s START 1',
      'CREATE TEMP TABLE temp.t AS SELECT 1',
      'CREATE TEMP TABLE "名前" AS SELECT 1',
    ]) {
      expect(allowed(sql), sql).toEqual(['create']);
    }
  });
});

describe('checkConsoleSql refuses', () => {
  it('writes to a dataset, naming it and the log', () => {
    const r = refused('INSERT INTO sales VALUES (1)');
    expect(r.message).toBe(
      'sales is a dataset: its table is read-only. Events enter a dataset only through its log (a stream or an imported file). For your own analysis, CREATE TEMP TABLE … AS SELECT ….',
    );
    expect(r.offset).toBe(12);
    for (const sql of [
      'UPDATE Sales SET amount = 0',
      'DELETE FROM main.sales',
      'TRUNCATE TABLE sales',
      'DROP VIEW sales',
      'DROP VIEW IF EXISTS "SALES"',
      'ALTER VIEW sales RENAME TO x',
      "COMMENT ON VIEW sales IS 'x'",
      "COMMENT ON COLUMN sales.amount IS 'x'",
      'MERGE INTO sales USING x ON true WHEN MATCHED THEN DELETE',
      'DROP TABLE scratch, sales',
    ]) {
      expect(refused(sql).message, sql).toMatch(/^(main\.)?("?sales"?|Sales|"SALES") is a dataset: its table is read-only/i);
    }
    expect(refused('DELETE FROM "a""; DROP TABLE b; --"').message).toMatch(/^"a""; DROP TABLE b; --" is a dataset/);
  });

  it('a WITH that ends in a write to a dataset', () => {
    expect(refused('WITH x AS (SELECT 1) INSERT INTO sales SELECT * FROM x').message).toMatch(/^sales is a dataset/);
    expect(refused('WITH x AS (DELETE FROM scratch RETURNING *) SELECT * FROM x').message).toBe('x in WITH must be a query: data cannot be changed inside a WITH.');
  });

  it('CREATE without TEMP, and CREATE OR REPLACE of a dataset', () => {
    expect(refused('CREATE TABLE t AS SELECT 1').message).toBe(
      'CREATE TABLE would make a permanent object beside the datasets, and this console makes only temporary ones: for your own analysis, write CREATE TEMP TABLE instead.',
    );
    expect(refused('create or replace view v as select 1').message).toMatch(/^create or replace view would make a permanent object.*write CREATE TEMP view instead/);
    expect(refused('CREATE OR REPLACE VIEW sales AS SELECT 1').message).toMatch(/^sales is a dataset: its table is read-only/);
    expect(refused('CREATE SCHEMA s').message).toMatch(/^CREATE SCHEMA would make a permanent object/);
    expect(refused('CREATE TEMP INDEX i ON scratch (a)').message).toBe('CREATE TEMP INDEX is not something this console makes: it makes temporary tables, views, macros and sequences.');
  });

  it('temporary objects that would hide a dataset or take a reserved name', () => {
    const r = refused('create temp view "Sales" as select 1');
    expect(r.message).toBe('"Sales" is the name of a dataset: a temporary object with that name would hide the dataset in this console. Pick another name.');
    expect(r.offset).toBe(17);
    expect(refused('CREATE OR REPLACE TEMP TABLE "web events" AS SELECT 1').message).toMatch(/^"web events" is the name of a dataset/);
    expect(refused('CREATE TEMP MACRO sales() AS TABLE SELECT 1').message).toMatch(/^sales is the name of a dataset/);
    expect(refused('CREATE TEMP TABLE ds_abc AS SELECT 1').message).toBe("Names starting with ds_ are kept for the workbench's own tables: pick another name than ds_abc.");
    expect(refused('ALTER TABLE scratch RENAME TO sales').message).toMatch(/^sales is the name of a dataset/);
    expect(refused('CREATE TEMP TABLE main.t AS SELECT 1').message).toMatch(/^main\.t names a schema other than temp/);
  });

  it("changes to the workbench's tables and to names that are not temporary objects", () => {
    expect(refused('DROP TABLE ds_abc').message).toBe("ds_abc is one of the workbench's own tables, and it is read-only. Events enter a dataset only through its log (a stream or an imported file).");
    expect(refused('INSERT INTO ds_abc_stage VALUES (1)').message).toMatch(/^ds_abc_stage is one of the workbench's own tables/);
    expect(refused('DROP TABLE IF EXISTS nothing').message).toMatch(/^nothing is not a temporary object of this console, so it cannot be dropped here/);
    expect(refused('DROP TABLE scratch, nothing').message).toMatch(/^nothing is not a temporary object/);
    expect(refused('UPDATE main.scratch SET a = 1').message).toMatch(/^main\.scratch is not a temporary object of this console, so it cannot be changed here/);
    expect(refused("INSERT INTO 'x.csv' VALUES (1)").message).toMatch(/^'x\.csv' is not a temporary object/);
  });

  it.each([
    ["COPY sales TO 'out.csv'", /^COPY reads or writes files/],
    ["copy sales from 'in.csv'", /^copy reads or writes files/],
    ["EXPORT DATABASE 'dir'", /^EXPORT DATABASE writes files/],
    ["IMPORT DATABASE 'dir'", /^IMPORT DATABASE reads files/],
    ["ATTACH 'x.db' AS x", /^ATTACH opens another database/],
    ['DETACH x', /^DETACH closes a database/],
    ['INSTALL httpfs', /^INSTALL changes DuckDB's extensions/],
    ['LOAD httpfs', /^LOAD changes DuckDB's extensions/],
    ['FORCE INSTALL httpfs', /^FORCE INSTALL changes DuckDB's extensions/],
    ['UPDATE EXTENSIONS', /^UPDATE EXTENSIONS changes DuckDB's extensions/],
    ['SET enable_external_access = true', /^SET changes DuckDB's settings/],
    ['RESET threads', /^RESET changes DuckDB's settings/],
    ["PRAGMA table_info('sales')", /^PRAGMA reads or changes DuckDB's settings.*DESCRIBE it/],
    ['CALL pragma_version()', /^CALL runs a DuckDB procedure/],
    ['CHECKPOINT', /^CHECKPOINT is upkeep/],
    ['FORCE CHECKPOINT', /^FORCE CHECKPOINT is upkeep/],
    ['VACUUM', /^VACUUM is upkeep/],
    ['USE temp', /^USE changes what names refer to/],
    ['BEGIN TRANSACTION', /^Transactions are not available in this console \(BEGIN TRANSACTION\)/],
    ['START TRANSACTION', /^Transactions are not available/],
    ['COMMIT', /^Transactions are not available/],
    ['ROLLBACK', /^Transactions are not available/],
    ['ABORT', /^Transactions are not available/],
    ['PREPARE p AS SELECT 1', /^Prepared statements are not available in this console \(PREPARE\)/],
    ['EXECUTE p', /^Prepared statements are not available/],
    ['DEALLOCATE p', /^Prepared statements are not available/],
    ["CREATE SECRET s (TYPE s3, KEY_ID 'k')", /^CREATE SECRET handles credentials for remote storage/],
    ['CREATE PERSISTENT SECRET s (TYPE s3)', /^CREATE PERSISTENT SECRET handles credentials/],
    ['DROP SECRET s', /^DROP SECRET handles credentials/],
    ['DROP SCHEMA main', /^DROP SCHEMA is not something this console does/],
    ['ALTER SEQUENCE s RESTART', /^ALTER SEQUENCE is not something this console does/],
    ['GRANT ALL ON sales TO x', /^A statement starting with GRANT is not something this console runs: this console runs queries and temporary objects only/],
    ["'x'", /^A statement starting with 'x' is not something/],
    ['(DELETE FROM sales)', /^A statement starting with DELETE/],
    ['EXPLAIN ANALYZE INSERT INTO sales VALUES (1)', /^sales is a dataset/],
  ])('%s', (sql, message) => {
    const r = refused(sql);
    expect(r.message).toMatch(message);
    expect(r.offset).toBe(sql.startsWith('(') ? 1 : sql.startsWith('EXPLAIN') ? sql.indexOf('sales') : 0);
  });

  it.each([
    ["SELECT * FROM read_csv ('x')", 'read_csv reads files'],
    ['select * from "read_parquet"(\'x\')', '"read_parquet" reads files'],
    ["SELECT * FROM READ_JSON_AUTO('x')", 'READ_JSON_AUTO reads files'],
    ["SELECT * FROM parquet_metadata('x')", 'parquet_metadata reads files'],
    ["SELECT count(*) FROM glob('*')", 'glob lists files'],
    ["SELECT * FROM sqlite_scan('x.db', 't')", 'sqlite_scan reads another database'],
    ["SELECT * FROM query('DROP TABLE sales')", 'query runs SQL given as text'],
    ["SELECT * FROM query_table('sales')", 'query_table runs SQL given as text'],
    ["SELECT load_extension('x')", "load_extension changes DuckDB's extensions"],
    ["SELECT * FROM main.read_text('x')", 'read_text reads files'],
    ["SELECT * FROM sales WHERE id IN (SELECT id FROM read_blob /* c */ ('x'))", 'read_blob reads files'],
    ["CREATE TEMP TABLE t AS SELECT * FROM read_csv_auto('x')", 'read_csv_auto reads files'],
    ['CREATE TEMP MACRO m(f) AS TABLE SELECT * FROM read_ndjson(f)', 'read_ndjson reads files'],
  ])('%s', (sql, message) => {
    expect(refused(sql).message.startsWith(message)).toBe(true);
  });

  it('URLs where a table goes, of any kind; a URL as a value is data', () => {
    const r = refused("SELECT * FROM 'https://example.com/x.csv'");
    expect(r.message).toBe("'https://example.com/x.csv' reaches for a URL, and this console reads only the workbench's datasets: to bring data in, import the file or add a stream.");
    expect(r.offset).toBe(14);
    expect(refused('SELECT * FROM $$http://x$$').message).toMatch(/^\$\$http:\/\/x\$\$ reaches for a URL/);
    for (const url of ['s3://b/k', 'gcs://b/k', 'gs://b/k', 'az://c/k', 'azure://c/k', 'abfss://c/k', 'hf://d/k', 'r2://b/k', 'file:///etc/passwd', ' HTTPS://X']) {
      expect(refused(`SELECT * FROM '${url}'`).message, url).toMatch(/reaches for a URL/);
    }
    expect(refused("SELECT * FROM E'https:\\/\\/x'").message).toMatch(/reaches for a URL/);
    expect(refused('SELECT * FROM "https://x/y.csv"').message).toMatch(/^"https:\/\/x\/y\.csv" reaches for a URL/);
    expect(refused("SELECT * FROM read_csv('https://x/y.csv')").message).toMatch(/read_csv/);
    // Analysts filter on URLs all the time.
    expect(checkConsoleSql("SELECT count(*) FROM sales WHERE kind LIKE 'https://google.com%' OR starts_with(kind, 's3://')", CTX).ok).toBe(true);
  });

  it('files read by name where a table goes', () => {
    expect(refused("SELECT * FROM 'data.csv'").message).toBe(
      "'data.csv' after FROM would read a file by its name: files are imported, not read by name. Import it and it becomes a dataset with its own log.",
    );
    expect(refused("FROM 'x.parquet'").message).toMatch(/^'x\.parquet' after FROM/);
    expect(refused("SELECT * FROM sales JOIN 'x.parquet' USING (id)").message).toMatch(/^'x\.parquet' after JOIN/);
    expect(refused("SELECT * FROM sales, 'x.csv'").message).toMatch(/^'x\.csv' after a comma in FROM/);
    expect(refused('SELECT * FROM (SELECT 1) a, $$x.csv$$ b').message).toMatch(/after a comma in FROM/);
    expect(refused("SUMMARIZE 'x.csv'").message).toMatch(/^'x\.csv' after SUMMARIZE/);
    expect(refused("DESCRIBE 'x.csv'").message).toMatch(/^'x\.csv' after DESCRIBE/);
    expect(refused('SELECT * FROM "data.parquet"').message).toMatch(/^"data\.parquet" after FROM/);
  });

  it('multi-statement text where a later statement writes', () => {
    const sql = 'SELECT 1;\nDROP TABLE sales';
    const r = refused(sql);
    expect(r.message).toMatch(/^sales is a dataset/);
    expect(r.offset).toBe(sql.lastIndexOf('sales'));
    expect(refused("SELECT ';'; SELECT 2; DELETE FROM sales").message).toMatch(/^sales is a dataset/);
  });

  it('text, names and comments that never end, saying where', () => {
    expect(refused('SELECT 1 /* unterminated')).toEqual({
      ok: false,
      message: 'The comment that starts with /* at line 1, column 10 never ends: close it with */ (comments nest, so each /* needs its own */).',
      offset: 9,
    });
    expect(refused('/* a /* b */ SELECT 1').message).toMatch(/^The comment that starts with \/\* at line 1, column 1 never ends/);
    expect(refused("SELECT 1;\nSELECT 'it\\'s'").message).toBe(
      "The text in single quotes that starts at line 2, column 14 never ends: close it with '. To put a quote inside text, write it twice: 'it''s'.",
    );
    expect(refused("SELECT E'abc\\'").message).toMatch(/^The text in quotes that starts at line 1, column 8 never ends/);
    expect(refused('SELECT * FROM "sales').message).toBe('The name in double quotes that starts at line 1, column 15 never ends: close it with ".');
    expect(refused('SELECT $q$ abc').message).toBe('The text that starts with $q$ at line 1, column 8 never ends: close it with $q$.');
  });

  it('an escape string with an escaped quote is whole', () => {
    expect(allowed("SELECT E'it\\'s'")).toEqual(['query']);
  });
});
