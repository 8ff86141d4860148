import { TaskView } from '../../_components/task-view';

// The page is a shell: the task's data comes from tRPC in the browser. Rendered once per id on first request
// and kept (no ids are known at build time), so a reload is served like the static views instead of
// rendering the route again on every request (~90 ms of its reload time in bench:load).
export const dynamic = 'force-static';
export const dynamicParams = true;
export function generateStaticParams(): Array<{ id: string }> {
  return [];
}

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TaskView taskId={decodeURIComponent(id)} />;
}
