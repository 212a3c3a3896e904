//! Small labelled egui widgets shared by the config sections; each carries its tooltip and the
//! config key it edits.
//!
//! Edit, then commit: a typed value is applied on Enter or when the field loses focus, never
//! per keystroke (typing "5e14" must not trace a lens of 5 M☉ first); a drag applies live (the
//! draft debounces re-traces). Nothing is clamped: a value outside the allowed range stays in
//! the field, in red, with the validator's message (key and range, the CLI's words) beside it,
//! and the draft is not traced until it is valid. Text that is no number is named, not dropped.

use crate::config::ConfigError;
use bevy_egui::egui::{self, Color32, DragValue, Id, RichText, Slider, Ui};
use std::cell::RefCell;
use strum::VariantArray;

/// The colour of a rejected value and its message.
pub const REJECTED: Color32 = Color32::from_rgb(255, 90, 90);

fn draft_error_id() -> Id {
    Id::new("excalibur-draft-error")
}

fn bad_text_id(key: &str) -> Id {
    Id::new(("excalibur-bad-text", key))
}

/// Makes the draft's validation error (None: valid) known to the fields this frame; the field
/// whose key it names shows it.
pub fn set_draft_error(ctx: &egui::Context, error: Option<ConfigError>) {
    ctx.data_mut(|d| d.insert_temp(draft_error_id(), error));
}

/// The problem to show at the field of `key`: text that did not parse, or the draft's error
/// when it names this key.
fn problem(ui: &Ui, key: &str) -> Option<String> {
    let bad = ui.data(|d| d.get_temp::<Option<String>>(bad_text_id(key)).flatten());
    bad.or_else(|| {
        ui.data(|d| {
            d.get_temp::<Option<ConfigError>>(draft_error_id())
                .flatten()
        })
        .filter(|e| e.key == key)
        .map(|e| e.to_string())
    })
}

/// A number field for `key`: typed values commit on Enter or focus loss, drags apply live,
/// nothing is clamped; red with the message beside it while the value is rejected.
fn field(ui: &mut Ui, key: &str, value: &mut f64, speed: f64, suffix: &str, tip: &str) {
    field_as(ui, key, value, speed, suffix, false, tip)
}

/// [`field`], shown as `1.234e14` when `scientific`.
fn field_as(
    ui: &mut Ui,
    key: &str,
    value: &mut f64,
    speed: f64,
    suffix: &str,
    scientific: bool,
    tip: &str,
) {
    let bad_text = RefCell::new(None::<String>);
    let problem = problem(ui, key);
    let response = ui
        .scope(|ui| {
            if problem.is_some() {
                ui.visuals_mut().override_text_color = Some(REJECTED);
            }
            let drag = DragValue::new(value)
                .speed(speed)
                .custom_formatter(|v, _| shown(v, scientific));
            ui.add(
                drag.suffix(suffix)
                    .update_while_editing(false)
                    .custom_parser(|text| {
                        let t: String = text
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .map(|c| if c == '−' { '-' } else { c })
                            .collect();
                        let v = t.strip_suffix(suffix.trim()).unwrap_or(&t).parse().ok();
                        if v.is_none() {
                            *bad_text.borrow_mut() = Some(text.to_string());
                        }
                        v
                    }),
            )
            .on_hover_text(tip)
        })
        .inner;
    let id = bad_text_id(key);
    if let Some(text) = bad_text.into_inner() {
        let message = format!("{key}: \"{text}\" is not a number; the value stays");
        ui.data_mut(|d| d.insert_temp(id, Some(message)));
    } else if response.changed() {
        ui.data_mut(|d| d.remove::<Option<String>>(id));
    }
}

/// A value as a field shows it (the value itself is kept exactly): four significant decimals,
/// or `1.234e-7` for very small and very large values and when `scientific`, so a dragged
/// offset does not widen the panel with "0.054299".
pub fn shown(v: f64, scientific: bool) -> String {
    let a = v.abs();
    if scientific || (a != 0.0 && !(1e-3..1e6).contains(&a)) {
        format!("{v:.3e}")
    } else {
        let t = format!("{v:.4}");
        let t = t.trim_end_matches('0');
        t.strip_suffix('.')
            .map_or(t.to_string(), |t| format!("{t}.0"))
    }
}

/// The message under a field while its value is rejected.
fn problem_line(ui: &mut Ui, key: &str) {
    if let Some(p) = problem(ui, key) {
        ui.label(RichText::new(p).color(REJECTED).small());
    }
}

/// A combo box over a config enum: every value, shown by its config spelling.
pub fn enum_combo<T>(ui: &mut Ui, label: &str, value: &mut T, tip: &str)
where
    T: VariantArray + AsRef<str> + PartialEq + Copy,
{
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        egui::ComboBox::from_id_salt(label)
            .selected_text(value.as_ref())
            .show_ui(ui, |ui| {
                for v in T::VARIANTS {
                    ui.selectable_value(value, *v, v.as_ref());
                }
            })
            .response
            .on_hover_text(tip);
    });
}

/// A labelled number of config key `key` (see the module's rules).
pub fn number(ui: &mut Ui, key: &str, label: &str, value: &mut f64, speed: f64, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        field(ui, key, value, speed, "", tip);
    });
    problem_line(ui, key);
}

/// [`number`] with a unit shown after the value (and accepted after a typed one).
pub fn number_in(
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &mut f64,
    speed: f64,
    unit: &str,
    tip: &str,
) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        field(ui, key, value, speed, &format!(" {unit}"), tip);
    });
    problem_line(ui, key);
}

/// A count: whole numbers only (egui's integer field), committed like [`number`].
pub fn count<T: egui::emath::Numeric>(
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &mut T,
    tip: &str,
) {
    let problem = problem(ui, key);
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        if problem.is_some() {
            ui.visuals_mut().override_text_color = Some(REJECTED);
        }
        ui.add(DragValue::new(value).update_while_editing(false))
            .on_hover_text(tip);
    });
    problem_line(ui, key);
}

/// Three numbers of one key (a position [Mpc]).
pub fn vec3(ui: &mut Ui, key: &str, label: &str, v: &mut [f64; 3], speed: f64, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        for c in v.iter_mut() {
            field(ui, key, c, speed, "", tip);
        }
    });
    problem_line(ui, key);
}

/// Two numbers of one key (a source-plane offset [Mpc]).
pub fn vec2(
    ui: &mut Ui,
    key: &str,
    label: &str,
    v: &mut [f64; 2],
    speed: f64,
    unit: &str,
    tip: &str,
) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        for c in v.iter_mut() {
            field(ui, key, c, speed, &format!(" {unit}"), tip);
        }
    });
    problem_line(ui, key);
}

/// An optional number: a checkbox turns it on (at `default`) or off.
pub fn optional(
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &mut Option<f64>,
    default: f64,
    tip: &str,
) {
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, label).on_hover_text(tip).changed() {
            *value = on.then_some(value.unwrap_or(default));
        }
        if let Some(v) = value.as_mut() {
            let speed = (v.abs() * 1e-3).max(1e-6);
            field(ui, key, v, speed, "", tip);
        }
    });
    problem_line(ui, key);
}

/// How much one press of × or ÷ changes a mass: twice the mass, √2 the Einstein radius.
pub const MASS_STEP: f64 = 2.0;

/// A mass a person can aim with: a wide logarithmic slider over `span` [M☉] (a drag beyond it
/// is not clamped: the typed field takes any value), ÷2 and ×2 buttons, and the typed field
/// (committed on Enter) for an exact value.
pub fn mass(ui: &mut Ui, key: &str, label: &str, value: &mut f64, span: (f64, f64), tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        if ui
            .small_button("÷2")
            .on_hover_text("half the mass")
            .clicked()
        {
            *value /= MASS_STEP;
        }
        let speed = (value.abs() * 0.005).max(1.0);
        field_as(ui, key, value, speed, " M☉", true, tip);
        if ui
            .small_button("×2")
            .on_hover_text("twice the mass")
            .clicked()
        {
            *value *= MASS_STEP;
        }
    });
    ui.horizontal(|ui| {
        ui.spacing_mut().slider_width = (ui.available_width() - 8.0).max(120.0);
        let mut shown = *value;
        let slid = ui
            .add(
                Slider::new(&mut shown, span.0..=span.1)
                    .logarithmic(true)
                    .show_value(false)
                    .clamping(egui::SliderClamping::Never),
            )
            .on_hover_text(format!(
                "{tip}; logarithmic from {:.0e} to {:.0e} M☉",
                span.0, span.1
            ));
        if slid.changed() {
            *value = shown;
        }
    });
    problem_line(ui, key);
}
