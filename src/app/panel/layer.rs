//! The egui layer: left panel (collapsible sections), status bar, on-screen labels and the
//! plot window. Edits land in the [`Draft`] and the display resources; requests go out as
//! [`PanelAction`] messages.

use super::config::*;
use super::display::display_ui;
use super::files::files_ui;
use super::plots::plots_window;
use super::potential::potential_ui;
use super::readouts::{overlay, scene_labels, status_bar, DrawnLabels, Readouts};
use super::teaching::{apply_theme, teaching_ui};
use crate::app::bridge::draft::Draft;
use crate::app::bridge::files::next_free_path;
use crate::app::bridge::files::{PathFields, StatusInfo};
use crate::app::bridge::simulation::{RunStatus, RunView};
use crate::app::capture::record::Recording;
use crate::app::scene::camera::OrbitCamera;
use crate::app::scene::frame::SceneLabels;
use crate::app::scene::legend::Legend;
use crate::app::shared::actions::PanelAction;
use crate::app::shared::display::Presentation;
use crate::app::shared::display::{Display, Selection};
use crate::app::shared::layout::UiLayout;
use crate::app::shared::timings::FrameTimings;
use crate::app::sky::light_curve::LightCurve;
use crate::app::sky::panel::{right_panel, SkyTexture};
use crate::app::sky::view::SkyView;
use crate::config::Theme;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui::{self, CollapsingHeader, Ui};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use std::time::Instant;

/// Whether the panel is open and the plot window shown.
#[derive(Resource, Debug, Clone)]
pub struct PanelView {
    pub expanded: bool,
    pub show_plots: bool,
    /// The Record button writes an MP4 (through ffmpeg) instead of a GIF.
    pub record_mp4: bool,
}

impl Default for PanelView {
    fn default() -> Self {
        PanelView {
            expanded: true,
            show_plots: false,
            record_mp4: false,
        }
    }
}

/// What the panel edits.
#[derive(SystemParam)]
pub struct Edits<'w> {
    draft: ResMut<'w, Draft>,
    display: ResMut<'w, Display>,
    selection: ResMut<'w, Selection>,
    paths: ResMut<'w, PathFields>,
    panel: ResMut<'w, PanelView>,
    recording: Res<'w, Recording>,
}

/// The image panel's state and texture.
#[derive(SystemParam)]
pub struct SkyUi<'w, 's> {
    sky: ResMut<'w, SkyView>,
    curve: ResMut<'w, LightCurve>,
    maps: ResMut<'w, crate::app::sky::maps::SkyMaps>,
    texture: Local<'s, SkyTexture>,
    presentation: ResMut<'w, Presentation>,
    /// The theme applied to egui last (applied again only when it changes).
    theme: Local<'s, Option<Theme>>,
}

#[allow(clippy::too_many_arguments)]
pub fn panel_system(
    mut contexts: EguiContexts,
    mut e: Edits,
    info: Res<StatusInfo>,
    view: Res<RunView>,
    legend: Res<Legend>,
    mut layout: ResMut<UiLayout>,
    mut timings: ResMut<FrameTimings>,
    mut actions: MessageWriter<PanelAction>,
    labels: Res<SceneLabels>,
    cams: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    mut sky: SkyUi,
    mut drawn: ResMut<DrawnLabels>,
) -> Result {
    let t0 = Instant::now();
    let ctx = contexts.ctx_mut()?.clone();
    if *sky.theme != Some(sky.presentation.theme) {
        apply_theme(&ctx, sky.presentation.theme);
        *sky.theme = Some(sky.presentation.theme);
    }
    let mut root = egui::Ui::new(
        ctx.clone(),
        "viewport".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let before = e.draft.config.clone();
    let mut out: Vec<PanelAction> = Vec::new();
    let readouts = Readouts {
        view: &view,
        timings: &timings,
        info: &info,
    };
    layout.bottom_px = egui::Panel::bottom("status")
        .show(&mut root, |ui| status_bar(ui, &readouts))
        .response
        .rect
        .height();
    super::widgets::set_draft_error(&ctx, e.draft.error.clone());
    let mut expanded = e.panel.expanded;
    let left = egui::Panel::left("controls")
        .default_size(330.0)
        .min_size(200.0)
        .resizable(true)
        .show_collapsible(&mut root, &mut expanded, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                panel_contents(ui, &mut e, &view, &mut sky, &mut out)
            });
        });
    e.panel.expanded = expanded;
    layout.left_px = left.map_or(0.0, |r| r.response.rect.width());
    let selected = e
        .selection
        .selected_ray
        .and_then(|i| view.tracks.get(i))
        .map(|t| t.direction);
    layout.right_px = right_panel(
        &mut root,
        &mut sky.sky,
        &mut sky.texture,
        &mut sky.curve,
        &mut sky.maps,
        &mut e.draft,
        selected,
    );
    if !e.panel.expanded {
        egui::Area::new("expand".into())
            .fixed_pos(egui::pos2(4.0, 4.0))
            .show(&ctx, |ui| {
                if ui.button("☰ panel").clicked() {
                    e.panel.expanded = true;
                }
            });
    }
    overlay(
        &ctx,
        &e.draft.config,
        &e.display,
        &e.selection,
        &view,
        &legend,
        layout.left_px,
    );
    if let Ok((camera, cam_t)) = cams.single() {
        scene_labels(
            &ctx,
            &labels,
            camera,
            cam_t,
            layout.left_px,
            layout.right_px,
            &mut drawn,
        );
    }
    if e.panel.show_plots {
        let mut open = true;
        let shown = view.config.as_deref().unwrap_or(&e.draft.config);
        plots_window(&ctx, &view, shown, e.selection.selected_ray, &mut open);
        e.panel.show_plots = open;
    }
    if e.draft.config != before {
        e.draft.touched(Instant::now());
    }
    layout.pointer_over_ui = ctx.egui_wants_pointer_input() || ctx.is_pointer_over_egui();
    actions.write_batch(out);
    timings.add(|t| &mut t.panel, t0.elapsed());
    Ok(())
}

fn panel_contents(
    ui: &mut Ui,
    e: &mut Edits,
    view: &RunView,
    sky: &mut SkyUi,
    out: &mut Vec<PanelAction>,
) {
    // egui's default text field is 280 points wide: with its label it held the panel at 330
    // and would not let it be narrowed. Fields take what the panel has instead.
    ui.spacing_mut().text_edit_width = (ui.available_width() - 70.0).max(60.0);
    ui.heading("excalibur");
    run_controls(ui, e, view, out);
    section(ui, "Teaching", sky.presentation.teaching(), |ui| {
        teaching_ui(ui, &mut e.draft.config, &mut sky.sky, &mut sky.presentation)
    });
    if sky.presentation.teaching() {
        // The teaching layout: the demo's controls and the display switches only.
        let config = &e.draft.config;
        section(ui, "Display", false, |ui| {
            display_ui(ui, &mut e.display, config, out)
        });
        return;
    }
    section(ui, "Presets", true, |ui| {
        for p in &e.paths.presets {
            let name = p
                .file_stem()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if ui
                .button(&name)
                .on_hover_text(p.display().to_string())
                .clicked()
            {
                out.push(PanelAction::LoadConfig(p.clone()));
            }
        }
    });
    section(ui, "Files", false, |ui| files_ui(ui, &mut e.paths, out));
    let c = &mut e.draft.config;
    section(ui, "Cosmology", false, |ui| cosmology_ui(ui, c));
    section(ui, "Lenses", true, |ui| {
        if let Some(a) = lenses_ui(ui, c) {
            out.push(a);
        }
    });
    section(ui, "Potential", false, |ui| {
        potential_ui(ui, &mut c.potential)
    });
    section(ui, "Observer and rays", true, |ui| rays_ui(ui, c));
    section(ui, "Integration", false, |ui| {
        integration_ui(ui, &mut c.integration)
    });
    let config = &e.draft.config;
    section(ui, "Display", true, |ui| {
        display_ui(ui, &mut e.display, config, out)
    });
}

fn section(ui: &mut Ui, title: &str, open: bool, body: impl FnOnce(&mut Ui)) {
    CollapsingHeader::new(title)
        .default_open(open)
        .show(ui, body);
}

fn run_controls(ui: &mut Ui, e: &mut Edits, view: &RunView, out: &mut Vec<PanelAction>) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut e.draft.live, "live re-trace")
            .on_hover_text("re-trace 150 ms after the last edit");
        if ui
            .button("▶ Run")
            .on_hover_text("trace the current settings now")
            .clicked()
        {
            out.push(PanelAction::Run);
        }
        let running = matches!(view.status, RunStatus::Building | RunStatus::Tracing);
        if ui
            .add_enabled(running, egui::Button::new("■ Cancel"))
            .clicked()
        {
            out.push(PanelAction::Cancel);
        }
    });
    ui.horizontal(|ui| {
        ui.label("threads").on_hover_text(
            "tracing threads; 0 = all cores (tracing runs at a lower priority than the window)",
        );
        ui.add(egui::DragValue::new(&mut e.draft.threads).range(0..=256));
        if ui
            .button("plots")
            .on_hover_text("deflection vs impact parameter; redshift along the selected ray")
            .clicked()
        {
            e.panel.show_plots = !e.panel.show_plots;
        }
    });
    record_controls(ui, e, out);
}

/// "Record" / "■ Stop": the whole window, as it changes, to the next free
/// `runs/recording-N.gif` (or `.mp4`).
fn record_controls(ui: &mut Ui, e: &mut Edits, out: &mut Vec<PanelAction>) {
    ui.horizontal(|ui| match &e.recording.active {
        Some(r) => {
            if ui
                .button("■ Stop")
                .on_hover_text("finish the recording and write the file")
                .clicked()
            {
                out.push(PanelAction::StopRecording);
            }
            ui.colored_label(
                egui::Color32::from_rgb(230, 60, 50),
                format!("REC {} · {} frames", r.path.display(), r.sent),
            );
        }
        None => {
            if ui
                .button("Record")
                .on_hover_text(
                    "record the whole window (sky, inset, 3-D view) at 10 frames/s until Stop",
                )
                .clicked()
            {
                let ext = if e.panel.record_mp4 { "mp4" } else { "gif" };
                out.push(PanelAction::Record(next_free_path("recording", ext)));
            }
            ui.checkbox(&mut e.panel.record_mp4, "MP4")
                .on_hover_text("an MP4 through ffmpeg instead of a GIF");
        }
    });
}

/// The egui panel, status bar and overlays, drawn in egui's pass after the scene systems.
pub struct PanelPlugin;

impl Plugin for PanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PanelView>()
            .init_resource::<DrawnLabels>()
            .init_resource::<LightCurve>()
            .add_systems(EguiPrimaryContextPass, panel_system);
    }
}
