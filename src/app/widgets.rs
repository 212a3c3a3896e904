//! Small labelled egui widgets shared by the config sections; each carries its tooltip.

use bevy_egui::egui::{self, DragValue, Ui};
use strum::VariantArray;

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

pub fn number(ui: &mut Ui, label: &str, value: &mut f64, range: (f64, f64), speed: f64, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        ui.add(
            DragValue::new(value)
                .range(range.0..=range.1)
                .speed(speed)
                .max_decimals(6),
        )
        .on_hover_text(tip);
    });
}

pub fn count<T: egui::emath::Numeric>(ui: &mut Ui, label: &str, value: &mut T, max: T, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        ui.add(DragValue::new(value).range(T::from_f64(1.0)..=max))
            .on_hover_text(tip);
    });
}

pub fn vec3(ui: &mut Ui, label: &str, v: &mut [f64; 3], tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        for c in v.iter_mut() {
            ui.add(DragValue::new(c).speed(1.0).max_decimals(3))
                .on_hover_text(tip);
        }
    });
}

pub fn optional(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<f64>,
    default: f64,
    range: (f64, f64),
    tip: &str,
) {
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, label).on_hover_text(tip).changed() {
            *value = on.then_some(value.unwrap_or(default));
        }
        if let Some(v) = value.as_mut() {
            ui.add(
                DragValue::new(v)
                    .range(range.0..=range.1)
                    .speed(range.1 * 1e-3),
            )
            .on_hover_text(tip);
        }
    });
}
