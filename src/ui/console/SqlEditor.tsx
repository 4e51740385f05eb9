/**
 * The console's editor: CodeMirror 6 with SQL highlighting and completion of the live schema
 * (dataset tables, their columns, the console's temporary tables). Ctrl/Cmd+Enter runs the
 * selection, or else the statement under the cursor; Shift+Ctrl/Cmd+Enter (and the Run button) all of it. Tab leaves the editor (keyboard users must be
 * able to get out of it); the content is a textbox labelled "SQL".
 */
import { autocompletion, type Completion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { PostgreSQL, type SQLNamespace, sql } from '@codemirror/lang-sql';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { ConsoleSchema } from '../../batch/console/consoleTypes';
import { statementAt } from '../../batch/console/sqlTokens';

/** Words DuckDB will not take as a bare name: such names are completed quoted. */
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create default deferrable desc describe distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit offset on only or order placing primary references returning select show some summarize symmetric table then to trailing true union unique using variadic when where window with pivot unpivot qualify'.split(
    ' ',
  ),
);

/** A name as it must be typed: bare when it can be, else in double quotes with inner quotes doubled. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function completions(schema: ConsoleSchema | null): SQLNamespace {
  const ns: Record<string, SQLNamespace> = {};
  const add = (name: string, detail: string, columns: { name: string; type: string }[]) => {
    const self: Completion = { label: name, type: 'type', detail, apply: sqlName(name) };
    ns[name] = { self, children: columns.map((c) => ({ label: c.name, type: 'property', detail: c.type, apply: sqlName(c.name) })) };
  };
  for (const t of schema?.tables ?? []) add(t.name, 'dataset', t.columns);
  for (const t of schema?.temp ?? []) add(t.name, 'temporary', t.columns);
  return ns;
}

export interface SqlEditorHandle {
  /** The text to run: the selection, or else the statement under the cursor (`all`: the whole text). */
  runnable(all?: boolean): string;
  text(): string;
  setText(text: string): void;
  focus(): void;
}

/** SQL colours from the theme (styles.css --hl-*), so the editor reads in light and dark alike. */
const SQL_COLOURS = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--hl-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--hl-number)' },
  { tag: [tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--hl-type)' },
  { tag: [tags.special(tags.name), tags.quote], color: 'var(--hl-name)' },
]);

export function SqlEditor({
  initial,
  schema,
  onRun,
  onChange,
  handle,
}: {
  initial: string;
  schema: ConsoleSchema | null;
  /** `all`: run the whole text rather than the statement under the cursor. */
  onRun: (all: boolean) => void;
  onChange: (text: string) => void;
  handle: (h: SqlEditorHandle | null) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const schemaSlot = useRef(new Compartment());
  // The latest callbacks, so the editor is made once and never rebuilt with the page.
  const run = useRef(onRun);
  const change = useRef(onChange);
  run.current = onRun;
  change.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once; the text and schema change through the view
  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          syntaxHighlighting(SQL_COLOURS),
          autocompletion(),
          schemaSlot.current.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: completions(schema) })),
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  run.current(false);
                  return true;
                },
              },
              {
                key: 'Shift-Mod-Enter',
                run: () => {
                  run.current(true);
                  return true;
                },
              },
            ]),
          ),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          placeholder('SELECT … FROM a dataset  (Ctrl+Enter runs)'),
          EditorView.contentAttributes.of({ 'aria-label': 'SQL', 'data-testid': 'sql-editor' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
          EditorView.lineWrapping,
        ],
      }),
    });
    view.current = v;
    handle({
      runnable: (all = false) => {
        const s = v.state;
        const sel = s.selection.main;
        if (!sel.empty) return s.sliceDoc(sel.from, sel.to);
        const doc = s.doc.toString();
        return all ? doc : (statementAt(doc, sel.head)?.text ?? doc);
      },
      text: () => v.state.doc.toString(),
      setText: (text) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length } }),
      focus: () => v.focus(),
    });
    return () => {
      handle(null);
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: schemaSlot.current.reconfigure(sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: completions(schema) })) });
  }, [schema]);

  return <div className="sql-editor" ref={host} />;
}
