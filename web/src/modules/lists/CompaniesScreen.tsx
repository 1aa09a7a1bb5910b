// The list of companies at /companies.
import { ListScreen } from "./ListScreen";

export default function CompaniesScreen() {
  return <ListScreen kind="companies" />;
}
