// The shared UI kit. Import from "../../ui" (screens never re-style these per module: use their props).
export { Button, IconButton, type ButtonProps, type ButtonVariant, type IconButtonProps } from "./Button";
export { Dialog, type DialogProps } from "./Dialog";
export {
  Checkbox,
  Select,
  TextArea,
  TextField,
  type CheckboxProps,
  type SelectOption,
  type SelectProps,
  type TextAreaProps,
  type TextFieldProps,
} from "./fields";
export { Spinner } from "./Spinner";
export { EmptyState, ErrorState } from "./States";
export { ToastProvider, useToast, type ToastInput, type ToastKind } from "./Toast";
export {
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelative,
  localeFor,
  useFormat,
} from "./format";
