import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { adminApi } from '../api/admin';
import { settingsApi, settingsKey, WEEKDAYS, type TenantSettings, type Weekday } from '../api/settings';
import { ErrorText } from '../ui/ErrorText';

type Editable = Omit<TenantSettings, 'tenant'>;

const DAY_LABEL: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** Every zone Intl knows, with UTC first (it is the default and not always in the list). */
const TIMEZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

const editable = ({ tenant: _tenant, ...rest }: TenantSettings): Editable => rest;

function DayHours({
  day,
  openings,
  onChange,
}: {
  day: Weekday;
  openings: Editable['business_hours']['days'][Weekday];
  onChange: (next: Editable['business_hours']['days'][Weekday]) => void;
}) {
  const label = DAY_LABEL[day];
  const set = (i: number, key: 'open' | 'close', value: string) =>
    onChange(openings.map((o, j) => (j === i ? { ...o, [key]: value } : o)));
  return (
    <div className="day-hours" role="group" aria-label={label}>
      <span className="day-name">{label}</span>
      {openings.length === 0 && <span className="muted">Closed</span>}
      {openings.map((o, i) => (
        <span key={i} className="opening">
          <input
            type="time"
            aria-label={`${label} opens`}
            value={o.open}
            onChange={(e) => set(i, 'open', e.target.value)}
          />
          –
          <input
            type="time"
            aria-label={`${label} closes`}
            value={o.close}
            onChange={(e) => set(i, 'close', e.target.value)}
          />
          <button type="button" className="link" onClick={() => onChange(openings.filter((_, j) => j !== i))}>
            Remove
          </button>
        </span>
      ))}
      <button
        type="button"
        className="link"
        onClick={() => {
          const last = openings.at(-1);
          onChange([
            ...openings,
            last ? { open: last.close, close: '23:59' } : { open: '09:00', close: '17:00' },
          ]);
        }}
      >
        Add hours
      </button>
    </div>
  );
}

function SettingsForm({ initial }: { initial: TenantSettings }) {
  const qc = useQueryClient();
  const [values, setValues] = useState<Editable>(() => editable(initial));
  const bots = useQuery({ queryKey: ['admin', 'bots'], queryFn: adminApi.bots.list });
  const save = useMutation({
    mutationFn: () => settingsApi.updateTenant(values),
    onSuccess: (next) => {
      qc.setQueryData(settingsKey, next);
      setValues(editable(next));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const patch = <K extends keyof Editable>(key: K, part: Partial<Editable[K]>) =>
    setValues((v) => ({ ...v, [key]: { ...(v[key] as object), ...part } }));
  const { business_hours: hours, auto_assignment: auto, away_message: away } = values;

  return (
    <form className="settings-page" aria-label="Tenant settings" onSubmit={submit}>
      <h1>Settings of {initial.tenant.name}</h1>

      <section className="settings-card">
        <h2>General</h2>
        <label>
          Time zone
          <select
            value={values.timezone}
            onChange={(e) => setValues((v) => ({ ...v, timezone: e.target.value }))}
          >
            {[...new Set([values.timezone, ...TIMEZONES])].map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <label>
          Default bot for new conversations
          <select
            value={values.default_bot_id ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, default_bot_id: e.target.value || null }))}
          >
            <option value="">None</option>
            {bots.data?.data.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
      </section>

      <section className="settings-card">
        <h2>Business hours</h2>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={hours.enabled}
            onChange={(e) => patch('business_hours', { enabled: e.target.checked })}
          />
          Use business hours
        </label>
        {WEEKDAYS.map((day) => (
          <DayHours
            key={day}
            day={day}
            openings={hours.days[day]}
            onChange={(next) => patch('business_hours', { days: { ...hours.days, [day]: next } })}
          />
        ))}
      </section>

      <section className="settings-card">
        <h2>Auto-assignment</h2>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={auto.enabled}
            onChange={(e) => patch('auto_assignment', { enabled: e.target.checked })}
          />
          Assign new conversations automatically
        </label>
        <label>
          Strategy
          <select
            value={auto.strategy}
            onChange={(e) => patch('auto_assignment', { strategy: e.target.value as typeof auto.strategy })}
          >
            <option value="round_robin">Round robin</option>
            <option value="least_busy">Least busy</option>
          </select>
        </label>
        <label>
          Open conversations per agent
          <input
            type="number"
            min={1}
            max={1000}
            value={auto.max_open_per_agent}
            onChange={(e) => patch('auto_assignment', { max_open_per_agent: e.target.valueAsNumber })}
          />
        </label>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={auto.only_online}
            onChange={(e) => patch('auto_assignment', { only_online: e.target.checked })}
          />
          Only agents who are online
        </label>
      </section>

      <section className="settings-card">
        <h2>Away message</h2>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={away.enabled}
            onChange={(e) => patch('away_message', { enabled: e.target.checked })}
          />
          Send an away message outside business hours
        </label>
        <label>
          Message
          <textarea
            rows={3}
            value={away.text}
            onChange={(e) => patch('away_message', { text: e.target.value })}
          />
        </label>
      </section>

      <div className="settings-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && <span role="status">Saved</span>}
      </div>
      <ErrorText error={save.error} />
    </form>
  );
}

/** The tenant's settings (settings:manage). */
export function SettingsSection() {
  const settings = useQuery({ queryKey: settingsKey, queryFn: settingsApi.tenant });
  if (!settings.data) return <ErrorText error={settings.error} />;
  return <SettingsForm initial={settings.data} />;
}
