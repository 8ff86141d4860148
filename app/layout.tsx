import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LiveStatus } from './_components/live-status';
import { TRPCProvider } from './_trpc/provider';
import './globals.css';

export const metadata: Metadata = { title: 'Conveyor Deck', description: 'Supervise manager/worker agent pairs live.' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCProvider>
          <header className="top">
            <nav aria-label="Main">
              <Link href="/" className="brand">
                Conveyor Deck
              </Link>
              <Link href="/">Overview</Link>
              <Link href="/queue">Needs you</Link>
              <Link href="/receipts">Receipts</Link>
            </nav>
            <LiveStatus />
          </header>
          <main>{children}</main>
        </TRPCProvider>
      </body>
    </html>
  );
}
