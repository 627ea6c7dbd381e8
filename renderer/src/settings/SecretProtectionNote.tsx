/**
 * Said where keys and passwords are entered when they would only be obscured at rest: the desktop app on Linux
 * without a keyring (Electron's basic_text). Nothing is shown where the keychain or the headless 0600 file keeps them.
 */
import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../shared/api.ts';

export function SecretProtectionNote({ protection }: { protection: SettingsView['protection'] }) {
  const { t } = useTranslation();
  if (protection !== 'weak') return null;
  return (
    <p className="hint" role="note" data-secret-protection="weak">
      {t('settings.secretsWeak')}
    </p>
  );
}
