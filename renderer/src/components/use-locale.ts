import { useTranslation } from 'react-i18next';

/** The locale for Intl: the UI's language, with the browser's region when it speaks the same language (de-CH). */
export function useLocale(): string {
  const { i18n } = useTranslation();
  const regional = navigator.languages.find((tag) => tag.toLowerCase().startsWith(`${i18n.language}-`));
  return regional ?? i18n.language;
}
