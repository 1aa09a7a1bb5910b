// The list of contacts at /contacts.
import { ListScreen } from "./ListScreen";

export default function ContactsScreen() {
  return <ListScreen kind="contacts" />;
}
