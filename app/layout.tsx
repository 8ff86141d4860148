import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LiveStatus } from './_components/live-status';
import { SystemBanner } from './_components/system-banner';
import { TRPCProvider } from './_trpc/provider';
import './globals.css';

// No title here: each view names itself (usePageTitle), and a title in the metadata would be put back over it.
export const metadata: Metadata = { description: 'Supervise manager/worker agent pairs live.' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCProvider>
          {/* Skip links: the first tab stops of every view; a task page adds one to its wake actions here. */}
          <div className="skip-links" id="skip-links">
            <a href="#main" className="skip-link">
              Skip to main content
            </a>
          </div>
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
          <SystemBanner />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </TRPCProvider>
      </body>
    </html>
  );
}
