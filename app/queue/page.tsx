import type { Metadata } from 'next';
import { NeedsYouView } from '../_components/needs-you';

export const metadata: Metadata = { title: 'Needs you · Conveyor Deck' };

export default function QueuePage() {
  return <NeedsYouView />;
}
