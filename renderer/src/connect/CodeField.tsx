/** A labelled text field for what users paste or type exactly (keys, port paths): no spell check, no autofill. */
export interface CodeFieldProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  invalid?: boolean;
  required?: boolean;
}

export function CodeField({ label, name, value, onChange, placeholder, invalid, required }: CodeFieldProps) {
  return (
    <label>
      {label}
      <input
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid || undefined}
        required={required}
      />
    </label>
  );
}
