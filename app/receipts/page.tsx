import { ReceiptsView } from '../_components/receipts';

export default function ReceiptsPage() {
  return <ReceiptsView />;
}
