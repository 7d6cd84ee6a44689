import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Empty, QueryView } from '../../../components/states';
import { formatTime } from '../../../lib/format';
import { setSearch, useLocation } from '../../../lib/router';
import { AUDIT_PAGE_SIZE, auditQuery } from '../api/audit-queries';

export function AuditPage() {
  const { search } = useLocation();
  const action = search.get('action') ?? '';
  const offset = Math.max(0, Number(search.get('offset') ?? 0) || 0);
  const [text, setText] = useState(action);
  useEffect(() => {
    if (text === action) return;
    const timer = setTimeout(() => setSearch({ action: text.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [text, action]);
  const query = useQuery(auditQuery({ offset, ...(action ? { action } : {}) }));
  const page = (nextOffset: number) =>
    setSearch({ action: action || undefined, offset: nextOffset > 0 ? String(nextOffset) : undefined });
  return (
    <>
      <header className="page-header">
        <h1>Audit log</h1>
        <p className="muted">Every action: who, when and why. Newest first.</p>
      </header>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            placeholder="exact, e.g. user.create"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
      </form>
      <QueryView
        query={query}
        isEmpty={(data) => data.items.length === 0}
        empty={<Empty>No audit entries{action ? ` for ${action}` : ''}.</Empty>}
      >
        {(data) => (
          <>
            <div className="table-scroll">
              <table className="data-table">
                <caption className="sr-only">Audit log</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((event) => (
                    <tr key={event.id}>
                      <td>
                        <time dateTime={event.at}>{formatTime(event.at)}</time>
                      </td>
                      <td>
                        {event.actorName ?? '—'} <span className="muted small">({event.actorType})</span>
                      </td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td>
                        {event.subjectType ?? '—'}
                        {event.subjectId && <div className="muted small mono">{event.subjectId}</div>}
                      </td>
                      <td>{event.reason ?? <span className="muted">—</span>}</td>
                      <td className="mono small">{Object.keys(event.data).length ? JSON.stringify(event.data) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <button type="button" disabled={offset === 0} onClick={() => page(Math.max(0, offset - AUDIT_PAGE_SIZE))}>
                Newer
              </button>
              <span className="muted">
                {offset + 1}–{offset + data.items.length} of {data.total}
              </span>
              <button
                type="button"
                disabled={offset + AUDIT_PAGE_SIZE >= data.total}
                onClick={() => page(offset + AUDIT_PAGE_SIZE)}
              >
                Older
              </button>
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}
