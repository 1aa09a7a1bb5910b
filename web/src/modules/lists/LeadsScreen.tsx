// The list of leads at /leads.
import { ListScreen } from "./ListScreen";

export default function LeadsScreen() {
  return <ListScreen kind="leads" />;
}
