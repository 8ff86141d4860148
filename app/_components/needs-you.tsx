'use client';
// The needs-you queue: one list across tasks of what a person should act on now (lib/review/needs-you.ts,
// re-run here with the page's clock). Driven by the keyboard: j/k (or arrows) move, c copies the wake prompt,
// s / x / b record sent / skipped / blocked through wake.record and its rules (k already moves up, so skipped
// is x). Keys are ignored while typing in a field. The count goes in the tab title; an item that enters while
// the tab is hidden raises a browser notification when the person opted in.
import { skipToken } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DeliveryStatus } from '../../lib/app-loop/delivery-statuses';
import { enteredQueue, needsYouQueue, type NeedsYouItem } from '../../lib/review/needs-you';
import type { Role } from '../../lib/sessions/roles';
import { trpc } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { useDisplayName } from './display-name';
import { formatAge, ageOf, useNow } from './use-now';
import { visibleText } from './visible-text';
import { DisplayNameField } from './wake-actions';

const KEYS: Record<string, DeliveryStatus> = { s: 'sent', x: 'skipped', b: 'blocked' };
const NOTIFY_KEY = 'conveyor-deck.notify';
const notifyListeners = new Set<() => void>();

/** Copies text; outside a secure context (plain http to another machine) through a hidden textarea. */
async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the textarea
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function useNotifyChoice(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (l) => {
      notifyListeners.add(l);
      return () => notifyListeners.delete(l);
    },
    () => window.localStorage.getItem(NOTIFY_KEY) === 'on',
    () => false,
  );
  const set = (next: boolean) => {
    window.localStorage.setItem(NOTIFY_KEY, next ? 'on' : 'off');
    for (const l of notifyListeners) l();
  };
  return [on, set];
}

function NotifyToggle() {
  const [on, setOn] = useNotifyChoice();
  const [note, setNote] = useState<string | null>(null);
  const supported = typeof window !== 'undefined' && 'Notification' in window;
  async function enable() {
    const permission = await Notification.requestPermission();
    if (permission === 'granted') {
      setOn(true);
      setNote(null);
    } else setNote('The browser refused notifications; allow them in the site settings to turn this on.');
  }
  if (!supported) return <p className="muted">This browser has no notifications.</p>;
  return (
    <p className="row">
      {on ? (
        <button type="button" onClick={() => setOn(false)}>
          Turn off notifications
        </button>
      ) : (
        <button type="button" onClick={() => void enable()}>
          Notify me when something needs me
        </button>
      )}
      <span className="muted">{note ?? (on ? 'Notifications on while this tab is hidden.' : '\u00a0')}</span>
    </p>
  );
}

export function NeedsYouView() {
  const utils = trpc.useUtils();
  const queue = trpc.queue.list.useQuery(undefined, { refetchInterval: 15_000 });
  const info = trpc.system.info.useQuery();
  const now = useNow(5_000);
  const name = useDisplayName();
  const [notifyOn] = useNotifyChoice();
  const [selected, setSelected] = useState(0);
  const [status, setStatus] = useState('\u00a0');
  const readOnly = info.data?.readOnly ?? true;

  // Re-read after commits, a few at a time: one read per burst of events.
  const rereadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  trpc.live.telemetryBatches.useSubscription(queue.data ? { lastEventId: null } : skipToken, {
    onData: () => {
      rereadTimer.current ??= setTimeout(() => {
        rereadTimer.current = null;
        void reread(utils.queue.list);
      }, 100);
    },
  });

  const data = queue.data;
  const items = useMemo(() => (data ? needsYouQueue(data.rows, now) : []), [data, now]);
  const current: NeedsYouItem | undefined = items[Math.min(selected, items.length - 1)];

  useEffect(() => {
    document.title = `${items.length > 0 ? `(${items.length}) ` : ''}Needs you · Conveyor Deck`;
  }, [items.length]);

  // Items that enter while the tab is hidden: one notification each (ids seen since the first read are known).
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!data) return;
    const entered = known.current ? enteredQueue(known.current, items) : [];
    known.current = new Set([...(known.current ?? []), ...items.map((i) => i.id)]);
    if (!notifyOn || document.visibilityState !== 'hidden' || !('Notification' in window)) return;
    if (Notification.permission !== 'granted') return;
    for (const item of entered) {
      try {
        new Notification(`Needs you: ${item.task_name}`, { body: item.summary, tag: item.id });
      } catch {
        // Some browsers (Chrome on Android) only notify through a service worker: the title count remains.
      }
    }
  }, [data, items, notifyOn]);

  const record = trpc.wake.record.useMutation({
    onSuccess: (out) => {
      setStatus(`Recorded ${out.delivery.status} for the ${out.delivery.role} of ${out.task.name}`);
      void reread(utils.queue.list);
    },
    onError: (error) => setStatus(error.message),
  });

  async function copyPrompt(item: NeedsYouItem) {
    const prompt = data?.prompts[`${item.task_id}:${item.role}`];
    if (item.kind !== 'wake_action' || !prompt) return setStatus('This item has no wake prompt to copy.');
    setStatus((await copyText(prompt)) ? `Copied the ${item.role} prompt of ${item.task_name}` : 'Copy failed');
  }

  function recordOutcome(item: NeedsYouItem, deliveryStatus: DeliveryStatus) {
    if (readOnly) return setStatus('This dashboard is read-only: actions are disabled.');
    if (item.kind !== 'wake_action' || !item.receipt_id)
      return setStatus('Only wake actions take a delivery; open the task for this one.');
    if (!name) return setStatus('Give your display name first (it is recorded with the delivery).');
    if (record.isPending) return;
    record.mutate({
      taskId: item.task_id,
      role: item.role as Role,
      dispatchReceipt: item.receipt_id,
      deliveryStatus,
      threadId: deliveryStatus === 'sent' ? item.thread_id : null,
      recordedBy: name,
    });
  }

  const handlers = useRef({ copyPrompt, recordOutcome, current, count: items.length });
  useEffect(() => {
    handlers.current = { copyPrompt, recordOutcome, current, count: items.length };
  });
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const h = handlers.current;
      if (e.key === 'j' || e.key === 'ArrowDown') setSelected((i) => Math.min(i + 1, Math.max(0, h.count - 1)));
      else if (e.key === 'k' || e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1));
      else if (e.key === 'c' && h.current) void h.copyPrompt(h.current);
      else if (KEYS[e.key] && h.current) h.recordOutcome(h.current, KEYS[e.key]!);
      else return;
      e.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (current) document.getElementById(`needs-${current.id}`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  return (
    <section aria-labelledby="queue-heading">
      <div className="section-head">
        <h1 id="queue-heading">Needs you</h1>
        <p className="muted">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>c</kbd> copy prompt · <kbd>s</kbd> sent · <kbd>x</kbd> skipped ·{' '}
          <kbd>b</kbd> blocked
        </p>
      </div>
      <NotifyToggle />
      {!readOnly ? <DisplayNameField /> : null}
      <p role="status" aria-label="Queue status" className="status-line">
        {status}
      </p>
      {queue.isPending ? <p className="muted">Loading…</p> : null}
      {queue.isError ? <p role="alert">Could not load the queue: {visibleText(queue.error.message)}</p> : null}
      {data && items.length === 0 ? <p>Nothing needs you right now.</p> : null}
      {items.length > 0 ? (
        <ul className="needs-you" aria-label="Needs you">
          {items.map((item, i) => {
            const isCurrent = item === current;
            return (
              <li
                key={item.id}
                id={`needs-${item.id}`}
                aria-current={isCurrent ? 'true' : undefined}
                className={`needs-item${isCurrent ? ' current' : ''}`}
                onClick={() => setSelected(i)}
              >
                <span className={`badge kind-${item.kind}`}>{item.kind.replace('_', ' ')}</span>{' '}
                <Link href={`/tasks/${encodeURIComponent(item.task_id)}`}>{visibleText(item.task_name)}</Link>{' '}
                {visibleText(item.summary)}{' '}
                <span className="muted age">{item.since ? formatAge(ageOf(item.since, now)) : ''}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
