import { OverviewView } from './_components/overview';

export default function OverviewPage() {
  return <OverviewView />;
}
