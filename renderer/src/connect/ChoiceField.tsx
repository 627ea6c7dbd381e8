/** A labelled select of fixed choices, with an optional hint that is the select's description (aria-describedby). */
import { useId } from 'react';

interface ChoiceFieldProps<T extends string> {
  label: string;
  name: string;
  value: T;
  choices: readonly T[];
  choiceLabel: (choice: T) => string;
  onChange: (choice: T) => void;
  hint?: string;
}

export function ChoiceField<T extends string>({
  label,
  name,
  value,
  choices,
  choiceLabel,
  onChange,
  hint,
}: ChoiceFieldProps<T>) {
  const hintId = useId();
  return (
    <>
      <label>
        {label}
        <select
          name={name}
          aria-describedby={hint === undefined ? undefined : hintId}
          value={value}
          onChange={(e) => onChange(e.target.value as T)}
        >
          {choices.map((c) => (
            <option key={c} value={c}>
              {choiceLabel(c)}
            </option>
          ))}
        </select>
      </label>
      {hint !== undefined && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </>
  );
}
