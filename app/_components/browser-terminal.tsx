'use client';
// An interactive terminal on a task's tmux session (--allow-terminal): xterm.js in the page, a pty running
// `tmux attach` on the server, joined by one websocket (/api/terminal). The socket carries the token cookie;
// the server records who opened it. Closing the panel closes the socket, which kills the pty.
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { Role } from '../../lib/sessions/roles';
import { useDisplayName } from './display-name';

type TerminalState = 'connecting' | 'open' | 'closed';

function terminalUrl(params: Record<string, string>): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/terminal?${new URLSearchParams(params)}`;
}

export function BrowserTerminal({ taskId, role }: { taskId: string; role: Role }) {
  const box = useRef<HTMLDivElement>(null);
  const name = useDisplayName();
  const [state, setState] = useState<TerminalState>('connecting');

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]).then(([{ Terminal }, { FitAddon }]) => {
      if (disposed || !box.current) return;
      const term = new Terminal({ convertEol: false, fontSize: 13, scrollback: 2_000 });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(box.current);
      fit.fit();
      const ws = new WebSocket(terminalUrl({ taskId, role, name, cols: String(term.cols), rows: String(term.rows) }));
      const send = (message: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
      ws.onopen = () => setState('open');
      ws.onclose = () => setState('closed');
      ws.onmessage = (event) => term.write(typeof event.data === 'string' ? event.data : '');
      const input = term.onData((data) => send({ type: 'input', data }));
      const resize = term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
      const observer = new ResizeObserver(() => fit.fit());
      observer.observe(box.current);
      term.focus();
      cleanup = () => {
        observer.disconnect();
        input.dispose();
        resize.dispose();
        ws.close();
        term.dispose();
      };
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, [taskId, role, name]);

  return (
    <div>
      <p role="status" aria-label={`${role} terminal`} className="status-line">
        {state === 'connecting' ? 'Terminal connecting…' : state === 'open' ? 'Terminal open' : 'Terminal closed'}
      </p>
      <div ref={box} className="terminal-box" />
    </div>
  );
}
